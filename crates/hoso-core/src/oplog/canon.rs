//! Canonical JSON: object keys sorted bytewise, no whitespace, arrays in order. Written by hand
//! rather than relying on `serde_json::Map` ordering, because another crate in the build can
//! switch on serde_json's `preserve_order` feature and would silently change the bytes (and
//! every digest). Also the import hot path: it writes straight into one buffer.

use serde_json::Value;

use super::types::{Change, Op, OpId};

pub fn to_canonical(v: &Value) -> String {
    let mut out = Vec::new();
    write(v, &mut out);
    into_string(out)
}

/// The first number in `v` (at any depth) that is not an integer in the i64/u64 range.
pub fn non_integer(v: &Value) -> Option<&serde_json::Number> {
    match v {
        Value::Number(n) if !(n.is_i64() || n.is_u64()) => Some(n),
        Value::Array(items) => items.iter().find_map(non_integer),
        Value::Object(map) => map.values().find_map(non_integer),
        _ => None,
    }
}

fn into_string(out: Vec<u8>) -> String {
    String::from_utf8(out).expect("JSON output is UTF-8")
}

fn write_str(s: &str, out: &mut Vec<u8>) {
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

fn write(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(k, out);
                out.push(b':');
                write(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out);
            }
            out.push(b']');
        }
        Value::String(s) => write_str(s, out),
        // Other scalars: serde_json's own rendering is deterministic.
        other => serde_json::to_writer(&mut *out, other).expect("writing to a Vec cannot fail"),
    }
}

fn write_ids(ids: &[OpId], out: &mut Vec<u8>) {
    out.push(b'[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"origin\":");
        write_str(&id.origin, out);
        out.extend_from_slice(b",\"seq\":");
        out.extend_from_slice(id.seq.to_string().as_bytes());
        out.push(b'}');
    }
    out.push(b']');
}

/// The canonical JSON of a change (keys in bytewise order, exactly what
/// `to_canonical(&serde_json::to_value(change))` gives; a test checks this).
pub fn change_json(change: &Change) -> String {
    let mut out = Vec::with_capacity(128);
    write_change(change, &mut out);
    into_string(out)
}

fn write_uint(n: u64, out: &mut Vec<u8>) {
    out.extend_from_slice(n.to_string().as_bytes());
}

/// Appends the canonical JSON of an op (exactly what `to_canonical(&serde_json::to_value(op))`
/// gives; a test checks this): what segments are signed over, written straight into `out`
/// because every import re-encodes every segment to check that it is canonical.
pub fn write_op(op: &Op, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"author\":");
    write_str(&op.author, out);
    out.extend_from_slice(b",\"change\":");
    write_change(&op.change, out);
    out.extend_from_slice(b",\"entity\":{\"id\":");
    write_str(&op.entity.id, out);
    out.extend_from_slice(b",\"kind\":");
    write_str(&op.entity.kind, out);
    out.extend_from_slice(b"},\"hlc\":{\"counter\":");
    write_uint(op.hlc.counter.into(), out);
    out.extend_from_slice(b",\"ms\":");
    write_uint(op.hlc.ms, out);
    out.extend_from_slice(b"},\"id\":{\"origin\":");
    write_str(&op.id.origin, out);
    out.extend_from_slice(b",\"seq\":");
    write_uint(op.id.seq, out);
    out.extend_from_slice(b"},\"scope\":");
    write_str(op.scope.as_str(), out);
    out.extend_from_slice(b",\"txn\":");
    write_uint(op.txn, out);
    out.push(b'}');
}

fn write_change(change: &Change, out: &mut Vec<u8>) {
    match change {
        Change::Create => out.extend_from_slice(b"{\"type\":\"create\"}"),
        Change::Delete => out.extend_from_slice(b"{\"type\":\"delete\"}"),
        Change::Put {
            field,
            value,
            replaces,
        } => {
            out.extend_from_slice(b"{\"field\":");
            write_str(field, out);
            out.extend_from_slice(b",\"replaces\":");
            write_ids(replaces, out);
            out.extend_from_slice(b",\"type\":\"put\",\"value\":");
            write(value, out);
            out.push(b'}');
        }
        Change::Add { set, element } => {
            out.extend_from_slice(b"{\"element\":");
            write(element, out);
            out.extend_from_slice(b",\"set\":");
            write_str(set, out);
            out.extend_from_slice(b",\"type\":\"add\"}");
        }
        Change::Remove {
            set,
            element,
            observed,
        } => {
            out.extend_from_slice(b"{\"element\":");
            write(element, out);
            out.extend_from_slice(b",\"observed\":");
            write_ids(observed, out);
            out.extend_from_slice(b",\"set\":");
            write_str(set, out);
            out.extend_from_slice(b",\"type\":\"remove\"}");
        }
        Change::Append { log, entry } => {
            out.extend_from_slice(b"{\"entry\":");
            write(entry, out);
            out.extend_from_slice(b",\"log\":");
            write_str(log, out);
            out.extend_from_slice(b",\"type\":\"append\"}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_depth() {
        let v = json!({"b": 1, "a": {"z": [3, {"y": null, "x": "é\"\n"}], "c": true}, "d": 1.5});
        assert_eq!(
            to_canonical(&v),
            r#"{"a":{"c":true,"z":[3,{"x":"é\"\n","y":null}]},"b":1,"d":1.5}"#
        );
    }

    #[test]
    fn the_fast_op_writer_matches_the_generic_one() {
        use crate::oplog::types::{EntityRef, Hlc, ScopeUnit};
        for (author, scope, change) in [
            ("an.nv", "case:c1", Change::Create),
            (
                "ngô \"x\"\n\u{1f}",
                "denouncer:c\\1",
                Change::Put {
                    field: "f".into(),
                    value: json!({"z": [1, -2, u64::MAX, i64::MIN], "a": "Đảng ủy\u{2028}"}),
                    replaces: vec![OpId::new("HN", 3)],
                },
            ),
        ] {
            let op = Op {
                id: OpId::new("HN", u64::MAX >> 1),
                hlc: Hlc::new(1_767_225_600_000, u16::MAX),
                author: author.into(),
                txn: 7,
                scope: ScopeUnit::new(scope),
                entity: EntityRef::new("case", "c\"1"),
                change,
            };
            let mut fast = Vec::new();
            write_op(&op, &mut fast);
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                to_canonical(&serde_json::to_value(&op).unwrap())
            );
        }
    }

    #[test]
    fn the_fast_change_writer_matches_the_generic_one() {
        let ids = vec![OpId::new("HN", 1), OpId::new("H\"P", u64::MAX >> 1)];
        let v = json!({"z": ["Đảng ủy", 2], "a": null});
        for c in [
            Change::Create,
            Change::Delete,
            Change::Put {
                field: "f\\".into(),
                value: v.clone(),
                replaces: ids.clone(),
            },
            Change::Put {
                field: "f".into(),
                value: json!(1),
                replaces: vec![],
            },
            Change::Add {
                set: "s".into(),
                element: v.clone(),
            },
            Change::Remove {
                set: "s".into(),
                element: v.clone(),
                observed: ids.clone(),
            },
            Change::Append {
                log: "l".into(),
                entry: v.clone(),
            },
        ] {
            let generic = to_canonical(&serde_json::to_value(&c).unwrap());
            assert_eq!(change_json(&c), generic);
            assert_eq!(serde_json::from_str::<Change>(&generic).unwrap(), c);
        }
    }
}
