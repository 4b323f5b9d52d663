//! The strategy kinds a program knows: the built-in ones (the serde enum [`StrategyConfig`])
//! plus the user kinds registered with [`Registry::register`]. Config parsing goes through it,
//! so a sweep, a walk-forward, an event study and the report see a user kind exactly as they
//! see a built-in one.
//!
//! Invariant: without user kinds, [`Registry::parse`] is `StrategyConfig::deserialize`, so the
//! built-in kinds' TOML contract and error messages do not depend on the registry.

use serde::Deserialize;

use crate::config::StrategyConfig;
use crate::custom::{CustomConfig, CustomKind};
use crate::error::StrategyError;

/// A registered user kind: its name and its parser.
#[derive(Debug, Clone, Copy)]
struct Entry {
    kind: &'static str,
    parse: fn(toml::Table) -> Result<CustomConfig, String>,
}

/// Built-in kinds plus user kinds.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    custom: Vec<Entry>,
}

impl Registry {
    /// The built-in kinds only (what the `rotor` binary knows).
    pub fn builtin() -> Self {
        Registry::default()
    }

    /// Adds the user kind `T`; an error when its name is a built-in kind's or already
    /// registered.
    pub fn register<T: CustomKind>(mut self) -> Result<Self, StrategyError> {
        if StrategyConfig::KINDS.contains(&T::KIND) || self.is_custom(T::KIND) {
            return Err(StrategyError::invalid(
                "strategy.kind",
                format!("strategy kind `{}` is registered twice", T::KIND),
            ));
        }
        self.custom.push(Entry {
            kind: T::KIND,
            parse: CustomConfig::parse::<T>,
        });
        Ok(self)
    }

    /// Whether `kind` is a registered user kind.
    pub fn is_custom(&self, kind: &str) -> bool {
        self.custom.iter().any(|e| e.kind == kind)
    }

    /// Every kind: built-in first, then user kinds in registration order.
    pub fn kinds(&self) -> Vec<&'static str> {
        let user = self.custom.iter().map(|e| e.kind);
        StrategyConfig::KINDS.iter().copied().chain(user).collect()
    }

    /// Parses a `[strategy]` table (with its `kind`): a user kind through its own type, any
    /// other through the built-in enum. The error is serde's message.
    pub fn parse(&self, table: &toml::Table) -> Result<StrategyConfig, String> {
        let kind = table.get("kind").and_then(|k| k.as_str());
        match self.custom.iter().find(|e| Some(e.kind) == kind) {
            Some(entry) => {
                let mut params = table.clone();
                params.remove("kind");
                (entry.parse)(params).map(StrategyConfig::Custom)
            }
            None => StrategyConfig::deserialize(toml::Value::Table(table.clone()))
                .map_err(|e| self.with_user_kinds(e.message())),
        }
    }

    /// serde lists only the built-in kinds after an unknown `kind`: add the user kinds.
    pub fn with_user_kinds(&self, message: &str) -> String {
        let builtin: Vec<String> = StrategyConfig::KINDS
            .iter()
            .map(|k| format!("`{k}`"))
            .collect();
        let lists_kinds = message.starts_with("unknown variant `")
            && message.ends_with(&format!("expected one of {}", builtin.join(", ")));
        if self.custom.is_empty() || !lists_kinds {
            return message.to_string();
        }
        let user: Vec<String> = self
            .custom
            .iter()
            .map(|e| format!("`{}`", e.kind))
            .collect();
        format!("{message}, {}", user.join(", "))
    }
}
