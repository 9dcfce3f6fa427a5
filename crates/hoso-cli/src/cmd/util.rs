//! Helpers shared by the domain subcommands (helper D): parsing user input into core types with
//! the core's own error messages, and printing JSON.

use hoso_core::model::parse_date;
use serde::Serialize;

pub use hoso_core::register::Register;

/// Parses an enum code (kebab-case) with the core's message listing the allowed values.
pub fn code<T: std::str::FromStr<Err = hoso_core::Error>>(s: &str) -> anyhow::Result<T> {
    Ok(s.parse::<T>()?)
}

pub fn opt_code<T: std::str::FromStr<Err = hoso_core::Error>>(
    s: Option<&str>,
) -> anyhow::Result<Option<T>> {
    s.map(code).transpose()
}

/// `YYYY-MM-DD`, the error naming the option.
pub fn date(field: &str, s: &str) -> anyhow::Result<chrono::NaiveDate> {
    Ok(parse_date(field, s)?)
}

pub fn opt_date(field: &str, s: Option<&str>) -> anyhow::Result<Option<chrono::NaiveDate>> {
    s.map(|s| date(field, s)).transpose()
}

pub fn print_json<T: Serialize>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}
