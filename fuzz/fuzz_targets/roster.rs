#![no_main]
// See hoso_core::fuzzing::roster for what this target reads.
libfuzzer_sys::fuzz_target!(|data: &[u8]| hoso_core::fuzzing::roster(data));
