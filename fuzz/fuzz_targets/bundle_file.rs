#![no_main]
// See hoso_core::fuzzing::bundle_file for what this target reads.
libfuzzer_sys::fuzz_target!(|data: &[u8]| hoso_core::fuzzing::bundle_file(data));
