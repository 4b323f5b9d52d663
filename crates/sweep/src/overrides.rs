//! `key=value` assignments on a TOML table: the CLI's `--set` and every sweep parameter set.
//! A value is read as TOML when it parses as one (numbers, booleans, arrays, quoted strings),
//! otherwise as a bare string, so `--set strategy.rebalance=monthly` works unquoted.

use toml::{Table, Value};

/// Applies `key=value` to `table`, creating intermediate tables as needed.
pub fn apply(table: &mut Table, assignment: &str) -> Result<(), String> {
    let (key, raw) = assignment
        .split_once('=')
        .ok_or_else(|| format!("--set {assignment}: expected KEY=VALUE"))?;
    set_path(table, key, parse_value(raw.trim())).map_err(|e| format!("--set {assignment}: {e}"))
}

/// Splits a dotted config path (`strategy.lookback`) into its segments.
pub fn split_key(key: &str) -> Result<Vec<&str>, String> {
    let key = key.trim();
    let parts: Vec<&str> = key.split('.').map(str::trim).collect();
    if key.is_empty() {
        return Err("empty key".into());
    }
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!("empty key segment in `{key}`"));
    }
    Ok(parts)
}

/// Sets the dotted path `key` of `table` to `value`, creating intermediate tables as needed.
pub fn set_path(table: &mut Table, key: &str, value: Value) -> Result<(), String> {
    let parts = split_key(key)?;
    let (last, parents) = parts.split_last().ok_or("empty key")?;
    let mut current = table;
    for part in parents {
        let entry = current
            .entry(part.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        current = match entry {
            Value::Table(t) => t,
            _ => return Err(format!("`{part}` is not a table")),
        };
    }
    current.insert(last.to_string(), value);
    Ok(())
}

/// Reads a value as TOML when it parses as one, else as a bare string.
pub fn parse_value(raw: &str) -> Value {
    let doc = format!("v = {raw}");
    match doc.parse::<Table>() {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| Value::String(raw.to_string())),
        Err(_) => Value::String(raw.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_and_bare_values() {
        let mut t: Table = "[strategy]\nlookback = 60\n".parse().unwrap();
        apply(&mut t, "strategy.lookback=120").unwrap();
        apply(&mut t, "strategy.rebalance=monthly").unwrap();
        apply(&mut t, "strategy.long=[\"IWM\",\"DIA\"]").unwrap();
        apply(&mut t, "costs.slippage_bps=2.5").unwrap();
        let s = &t["strategy"];
        assert_eq!(s["lookback"].as_integer(), Some(120));
        assert_eq!(s["rebalance"].as_str(), Some("monthly"));
        assert_eq!(s["long"].as_array().map(|a| a.len()), Some(2));
        assert_eq!(t["costs"]["slippage_bps"].as_float(), Some(2.5));
        assert!(apply(&mut t, "nokey").is_err());
        assert!(apply(&mut t, "strategy.lookback.x=1").is_err());
    }
}
