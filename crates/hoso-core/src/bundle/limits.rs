//! Hard limits applied while reading a bundle: nothing read from a stick can make HoSo allocate
//! or decompress without bound.

/// Caps for one bundle read. `Default` suits real exchanges; tests use smaller ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The whole `.hoso` file.
    pub max_file: u64,
    /// `manifest.json` (read into memory).
    pub max_manifest: u64,
    /// `manifest.json.minisig` (read into memory).
    pub max_signature: u64,
    /// The decompressed payload stream (zstd bombs stop here).
    pub max_decompressed: u64,
    /// One segment's JSON (read into memory).
    pub max_segment: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file: 8 << 30,
            max_manifest: 1 << 20,
            max_signature: 4096,
            max_decompressed: 32 << 30,
            max_segment: 64 << 20,
        }
    }
}
