//! `hoso overlaps` and `hoso omissions` (helper D).

use crate::ctx::Ctx;

use super::util::{Register, print_json};

pub fn overlaps(ctx: &mut Ctx) -> anyhow::Result<()> {
    let json = ctx.json;
    let reg: &mut Register = ctx.register()?;
    let list = reg.overlaps()?;
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("no overlaps");
    }
    for o in list {
        let kinds: Vec<String> = o.kinds.iter().map(|k| k.to_string()).collect();
        println!(
            "{} ({}) — {}: offices {}",
            o.subject_name,
            o.subject,
            kinds.join(" / "),
            o.offices.join(", ")
        );
        for w in o.works {
            let end = w
                .end
                .map(|d| d.to_string())
                .unwrap_or_else(|| "open".into());
            println!(
                "    {:<5} {} – {}  {} {} {}",
                w.office, w.start, end, w.kind, w.source, w.reference
            );
        }
    }
    Ok(())
}

pub fn omissions(ctx: &mut Ctx) -> anyhow::Result<()> {
    let json = ctx.json;
    let reg: &mut Register = ctx.register()?;
    let list = reg.omissions()?;
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        println!("no omissions");
    }
    for o in list {
        println!(
            "{} ({}): {}",
            o.subject_name,
            o.subject,
            o.reasons.join("; ")
        );
    }
    Ok(())
}

/// `hoso digest`: the canonical hash of the shared domain state.
pub fn digest(ctx: &mut Ctx) -> anyhow::Result<()> {
    let json = ctx.json;
    let reg: &mut Register = ctx.register()?;
    let d = reg.digest()?;
    if json {
        print_json(&serde_json::json!({ "digest": d }))
    } else {
        println!("{d}");
        Ok(())
    }
}
