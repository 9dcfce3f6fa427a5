//! Domain types of GLOSSARY.md: enumerations with stable codes, the case workflow, entities.

pub mod entities;
pub mod enums;
pub mod workflow;

pub use entities::*;
pub use enums::*;
