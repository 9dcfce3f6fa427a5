//! HoSo's key material and envelopes: the register's data key, officers' key slots, the printed
//! recovery key, Ed25519 signatures in the minisign format and age encryption. No I/O, no unsafe.
#![forbid(unsafe_code)]
