//! Cross-crate scenarios and end-to-end tests live under tests/.
