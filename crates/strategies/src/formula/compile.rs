//! Syntax trees -> one DAG of column operations, shared sub-expressions merged.
//!
//! Names resolve to a field (`open high low close volume returns`), a `[strategy.params]`
//! number or a `[strategy.define]` expression (compiled once however often it is used; a cycle
//! is an error). Window and count arguments must fold to whole-number constants, so a program
//! is a fixed DAG for a given parameter set. Invariant: node `i`'s inputs all have ids `< i`,
//! and every operator reads only values at or before its bar (see [`Node`]), so the output at
//! bar `t` depends only on bars `<= t`.

use std::collections::{BTreeMap, HashMap};

use super::error::{did_you_mean, FormulaError};
use super::parse::{parse, Ast, AstKind, BinOp};
use super::scalar::{self, Unary};

/// A per-symbol input field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Bar open.
    Open,
    /// Bar high.
    High,
    /// Bar low.
    Low,
    /// Bar close.
    Close,
    /// Bar volume.
    Volume,
    /// `close[t] / close[t-1] - 1`.
    Returns,
}

const FIELDS: [(&str, Field); 6] = [
    ("open", Field::Open),
    ("high", Field::High),
    ("low", Field::Low),
    ("close", Field::Close),
    ("volume", Field::Volume),
    ("returns", Field::Returns),
];

/// Rolling (time-series) operators over the last `n` values of one symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TsOp {
    /// `x[t-n]`.
    Delay,
    /// Mean of the last `n`.
    Mean,
    /// Sum of the last `n`.
    Sum,
    /// Minimum of the last `n`.
    Min,
    /// Maximum of the last `n`.
    Max,
    /// Sample standard deviation (ddof 1) of the last `n`.
    Std,
    /// `(x[t] - mean) / std` over the last `n`.
    Zscore,
    /// Rank of `x[t]` among the last `n`, averaged ties, divided by `n`.
    Rank,
    /// Exponential moving average, alpha `2/(n+1)`, seeded with the first `n`-value mean.
    Ema,
    /// `x[t] / x[t-n] - 1`.
    PctChange,
}

/// Cross-sectional operators over the universe at one bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CsOp {
    /// Ascending percentile rank in (0, 1], ties averaged (pandas `rank(pct=True)`).
    Rank,
    /// `(x - mean) / std` (ddof 1) across the universe.
    Zscore,
    /// `x - mean` across the universe.
    Demean,
}

/// One node of the DAG. Inputs are node ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    /// A constant (f64 bits, so nodes hash).
    Const(u64),
    /// A field of every universe member (`None`) or of one market symbol (`close@SPY`).
    Field(Field, Option<usize>),
    /// Element-wise function.
    Unary(Unary, usize),
    /// Element-wise binary operator.
    Binary(BinOp, usize, usize),
    /// `min(a, b)` (`false`) or `max(a, b)` (`true`).
    MinMax(bool, usize, usize),
    /// `where(c, a, b)`.
    Where(usize, usize, usize),
    /// `clip(x, lo, hi)`.
    Clip(usize, usize, usize),
    /// Rolling operator with window `n`.
    Ts(TsOp, usize, usize),
    /// Rolling Pearson correlation of two inputs over `n`.
    Corr(usize, usize, usize),
    /// Cross-sectional operator.
    Cs(CsOp, usize),
    /// `top(x, k)` (`true`) or `bottom(x, k)` (`false`).
    Pick(bool, usize, usize),
}

/// A compiled formula: its nodes in evaluation order and the weights node.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// Nodes; every input id is smaller than its node's.
    pub nodes: Vec<Node>,
    /// The node giving raw target weights.
    pub output: usize,
    /// Bars of history the weights need before their first defined value: the longest chain
    /// of windows (`delay(x, n)` adds `n`, `ts_mean(x, n)` adds `n - 1`, `returns` 1).
    pub warmup: usize,
    /// The `[strategy.params]` names some expression reads, sorted.
    pub params_used: Vec<String>,
}

/// Names that are functions, with their argument list for messages.
const FUNCTIONS: [(&str, &str); 25] = [
    ("delay", "x, n"),
    ("ts_mean", "x, n"),
    ("ts_sum", "x, n"),
    ("ts_min", "x, n"),
    ("ts_max", "x, n"),
    ("ts_std", "x, n"),
    ("ts_zscore", "x, n"),
    ("ts_rank", "x, n"),
    ("ema", "x, n"),
    ("pct_change", "x, n"),
    ("ts_corr", "x, y, n"),
    ("rank", "x"),
    ("zscore", "x"),
    ("demean", "x"),
    ("top", "x, k"),
    ("bottom", "x, k"),
    ("abs", "x"),
    ("log", "x"),
    ("exp", "x"),
    ("sqrt", "x"),
    ("sign", "x"),
    ("min", "a, b"),
    ("max", "a, b"),
    ("clip", "x, lo, hi"),
    ("where", "c, a, b"),
];

/// Whether `name` is reserved (a field, function or keyword), so it cannot name a parameter
/// or a defined expression.
pub fn is_reserved(name: &str) -> bool {
    FIELDS.iter().any(|(f, _)| *f == name)
        || FUNCTIONS.iter().any(|(f, _)| *f == name)
        || matches!(name, "and" | "or" | "not")
}

/// Whether `name` is a valid identifier for a parameter or a defined expression.
pub fn is_identifier(name: &str) -> bool {
    let mut c = name.chars();
    c.next().is_some_and(|f| f.is_alphabetic() || f == '_')
        && c.all(|x| x.is_alphanumeric() || x == '_')
}

/// Deepest chain of defines using defines (bounds the compiler's recursion).
const MAX_DEFINE_DEPTH: usize = 64;

/// What the compiler needs from its surroundings.
pub struct Scope<'a> {
    /// `[strategy.params]`.
    pub params: &'a BTreeMap<String, f64>,
    /// `[strategy.define]`.
    pub define: &'a BTreeMap<String, String>,
    /// Symbol name -> market index for `field@SYMBOL`, `None` when unknown.
    pub symbol: &'a dyn Fn(&str) -> Option<usize>,
}

struct Compiler<'a> {
    scope: &'a Scope<'a>,
    nodes: Vec<Node>,
    warmup: Vec<usize>,
    ids: HashMap<Node, usize>,
    defined: HashMap<String, usize>,
    /// Defines being compiled, outermost first (cycle detection).
    stack: Vec<String>,
    params_used: std::collections::BTreeSet<String>,
}

/// Where an error is reported: the expression's key and text.
struct Site<'s> {
    key: &'s str,
    src: &'s str,
}

impl Site<'_> {
    fn err(&self, column: usize, message: impl Into<String>) -> FormulaError {
        FormulaError {
            key: self.key.to_string(),
            expr: self.src.to_string(),
            column,
            message: message.into(),
        }
    }
}

impl Compiler<'_> {
    fn push(&mut self, node: Node) -> usize {
        if let Some(&id) = self.ids.get(&node) {
            return id;
        }
        let w = |i: usize| self.warmup[i];
        let warm = match node {
            Node::Const(_) => 0,
            Node::Field(f, _) => usize::from(f == Field::Returns),
            Node::Unary(_, a) | Node::Cs(_, a) | Node::Pick(_, a, _) => w(a),
            Node::Binary(_, a, b) | Node::MinMax(_, a, b) => w(a).max(w(b)),
            Node::Where(a, b, c) | Node::Clip(a, b, c) => w(a).max(w(b)).max(w(c)),
            Node::Ts(op, a, n) => match op {
                TsOp::Delay | TsOp::PctChange => w(a).saturating_add(n),
                _ => w(a).saturating_add(n - 1),
            },
            Node::Corr(a, b, n) => w(a).max(w(b)).saturating_add(n - 1),
        };
        let id = self.nodes.len();
        self.nodes.push(node);
        self.warmup.push(warm);
        self.ids.insert(node, id);
        id
    }

    fn constant(&self, id: usize) -> Option<f64> {
        match self.nodes[id] {
            Node::Const(bits) => Some(f64::from_bits(bits)),
            _ => None,
        }
    }

    fn konst(&mut self, v: f64) -> usize {
        // One NaN (and one zero) so equal constants share a node.
        let v = if v.is_nan() { f64::NAN } else { v + 0.0 };
        self.push(Node::Const(v.to_bits()))
    }

    /// Pushes an element-wise node, folding it when every input is constant.
    fn elementwise(&mut self, node: Node) -> usize {
        let c = |i: usize| self.constant(i);
        let folded = match node {
            Node::Unary(op, a) => c(a).map(|a| scalar::unary(op, a)),
            Node::Binary(op, a, b) => c(a).zip(c(b)).map(|(a, b)| scalar::binary(op, a, b)),
            Node::MinMax(m, a, b) => c(a).zip(c(b)).map(|(a, b)| scalar::min_max(m, a, b)),
            Node::Where(x, a, b) => match (c(x), c(a), c(b)) {
                (Some(x), Some(a), Some(b)) => Some(scalar::select(x, a, b)),
                _ => None,
            },
            Node::Clip(x, a, b) => match (c(x), c(a), c(b)) {
                (Some(x), Some(a), Some(b)) => Some(scalar::clip(x, a, b)),
                _ => None,
            },
            _ => None,
        };
        match folded {
            Some(v) => self.konst(v),
            None => self.push(node),
        }
    }

    fn define(
        &mut self,
        name: &str,
        site: &Site<'_>,
        column: usize,
    ) -> Result<usize, FormulaError> {
        if let Some(&id) = self.defined.get(name) {
            return Ok(id);
        }
        if let Some(at) = self.stack.iter().position(|n| n == name) {
            let mut path: Vec<&str> = self.stack[at..].iter().map(String::as_str).collect();
            path.push(name);
            return Err(site.err(
                column,
                format!(
                    "`{name}` is defined in terms of itself ({})",
                    path.join(" -> ")
                ),
            ));
        }
        if self.stack.len() >= MAX_DEFINE_DEPTH {
            return Err(site.err(
                column,
                format!("`{name}` is reached through more than {MAX_DEFINE_DEPTH} nested defines"),
            ));
        }
        let scope = self.scope;
        let src = &scope.define[name];
        let key = format!("strategy.define.{name}");
        self.stack.push(name.to_string());
        let id = self.expression(&key, src)?;
        self.stack.pop();
        self.defined.insert(name.to_string(), id);
        Ok(id)
    }

    fn expression(&mut self, key: &str, src: &str) -> Result<usize, FormulaError> {
        let site = Site { key, src };
        let ast = parse(src).map_err(|e| site.err(e.column, e.message))?;
        self.node(&ast, &site)
    }

    fn unknown(&self, name: &str) -> String {
        let fields = FIELDS.iter().map(|(f, _)| *f);
        let params = self.scope.params.keys().map(String::as_str);
        let defines = self.scope.define.keys().map(String::as_str);
        let funcs = FUNCTIONS.iter().map(|(f, _)| *f);
        let mut msg = format!("unknown name `{name}`");
        if let Some(s) = did_you_mean(name, defines.chain(params).chain(fields).chain(funcs)) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        msg
    }

    /// A whole-number constant argument (`what` of function `f`) at least `min`.
    fn count(
        &mut self,
        f: &str,
        what: &str,
        arg: &Ast,
        min: usize,
        site: &Site<'_>,
    ) -> Result<usize, FormulaError> {
        let id = self.node(arg, site)?;
        let Some(v) = self.constant(id) else {
            return Err(site.err(
                arg.column,
                format!("the {what} of `{f}` must be a constant: a number, a [strategy.params] name or arithmetic on them"),
            ));
        };
        if !(v.fract() == 0.0 && v >= min as f64 && v <= 1e9) {
            return Err(site.err(
                arg.column,
                format!("the {what} of `{f}` must be a whole number >= {min}, got {v}"),
            ));
        }
        Ok(v as usize)
    }

    /// Checks that `name` is a function of the language taking `n_args` arguments; the error
    /// names the column, and suggests a close function name or says that a value is not one.
    fn check_call(
        &self,
        name: &str,
        n_args: usize,
        column: usize,
        site: &Site<'_>,
    ) -> Result<(), FormulaError> {
        let Some(&(_, sig)) = FUNCTIONS.iter().find(|(f, _)| *f == name) else {
            let is_value = FIELDS.iter().any(|(f, _)| *f == name)
                || self.scope.params.contains_key(name)
                || self.scope.define.contains_key(name);
            let msg = if is_value {
                format!("`{name}` is not a function")
            } else {
                let mut m = format!("unknown function `{name}`");
                if let Some(s) = did_you_mean(name, FUNCTIONS.iter().map(|(f, _)| *f)) {
                    m.push_str(&format!(" (did you mean `{s}`?)"));
                }
                m
            };
            return Err(site.err(column, msg));
        };
        let arity = sig.split(',').count();
        if n_args != arity {
            return Err(site.err(
                column,
                format!(
                    "`{name}` takes {arity} argument{} ({name}({sig})), got {}",
                    if arity == 1 { "" } else { "s" },
                    n_args
                ),
            ));
        }
        Ok(())
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Ast],
        column: usize,
        site: &Site<'_>,
    ) -> Result<usize, FormulaError> {
        self.check_call(name, args.len(), column, site)?;
        let ts = |op: TsOp| match op {
            TsOp::Delay => 0,
            TsOp::Std | TsOp::Zscore => 2,
            _ => 1,
        };
        if let Some(op) = ts_op(name) {
            let x = self.node(&args[0], site)?;
            let n = self.count(name, "window", &args[1], ts(op), site)?;
            if op == TsOp::Delay && n == 0 {
                return Ok(x);
            }
            return Ok(self.push(Node::Ts(op, x, n)));
        }
        if let Some(op) = unary_op(name) {
            let x = self.node(&args[0], site)?;
            return Ok(self.elementwise(Node::Unary(op, x)));
        }
        Ok(match name {
            "ts_corr" => {
                let a = self.node(&args[0], site)?;
                let b = self.node(&args[1], site)?;
                let n = self.count(name, "window", &args[2], 2, site)?;
                self.push(Node::Corr(a, b, n))
            }
            "rank" | "zscore" | "demean" => {
                let x = self.node(&args[0], site)?;
                let op = match name {
                    "rank" => CsOp::Rank,
                    "zscore" => CsOp::Zscore,
                    _ => CsOp::Demean,
                };
                self.push(Node::Cs(op, x))
            }
            "top" | "bottom" => {
                let x = self.node(&args[0], site)?;
                let k = self.count(name, "count", &args[1], 1, site)?;
                self.push(Node::Pick(name == "top", x, k))
            }
            "min" | "max" => {
                let a = self.node(&args[0], site)?;
                let b = self.node(&args[1], site)?;
                self.elementwise(Node::MinMax(name == "max", a, b))
            }
            _ => {
                let a = self.node(&args[0], site)?;
                let b = self.node(&args[1], site)?;
                let c = self.node(&args[2], site)?;
                if name == "where" {
                    self.elementwise(Node::Where(a, b, c))
                } else {
                    self.elementwise(Node::Clip(a, b, c))
                }
            }
        })
    }

    fn node(&mut self, ast: &Ast, site: &Site<'_>) -> Result<usize, FormulaError> {
        match &ast.kind {
            AstKind::Num(v) => Ok(self.konst(*v)),
            AstKind::Name(name) => {
                if let Some((_, f)) = FIELDS.iter().find(|(n, _)| *n == name.as_str()) {
                    return Ok(self.push(Node::Field(*f, None)));
                }
                if let Some(&v) = self.scope.params.get(name) {
                    self.params_used.insert(name.clone());
                    return Ok(self.konst(v));
                }
                if self.scope.define.contains_key(name) {
                    return self.define(name, site, ast.column);
                }
                if FUNCTIONS.iter().any(|(f, _)| *f == name.as_str()) {
                    return Err(site.err(
                        ast.column,
                        format!("`{name}` is a function: call it, as in `{name}(...)`"),
                    ));
                }
                Err(site.err(ast.column, self.unknown(name)))
            }
            AstKind::At(name, sym) => {
                let Some((_, f)) = FIELDS.iter().find(|(n, _)| *n == name.as_str()) else {
                    return Err(site.err(
                        ast.column,
                        format!("`{name}@{sym}`: only the fields open, high, low, close, volume and returns take `@SYMBOL`"),
                    ));
                };
                let Some(s) = (self.scope.symbol)(sym) else {
                    return Err(site.err(
                        ast.column + name.chars().count(),
                        format!("unknown symbol `{sym}` (not in the market data)"),
                    ));
                };
                Ok(self.push(Node::Field(*f, Some(s))))
            }
            AstKind::Call(name, args) => self.call(name, args, ast.column, site),
            AstKind::Neg(x) => {
                let x = self.node(x, site)?;
                Ok(self.elementwise(Node::Unary(Unary::Neg, x)))
            }
            AstKind::Not(x) => {
                let x = self.node(x, site)?;
                Ok(self.elementwise(Node::Unary(Unary::Not, x)))
            }
            AstKind::Binary(op, a, b) => {
                let a = self.node(a, site)?;
                let b = self.node(b, site)?;
                Ok(self.elementwise(Node::Binary(*op, a, b)))
            }
        }
    }
}

/// Compiles the expression `src` (held at config key `key`) in `scope`.
pub fn compile(key: &str, src: &str, scope: &Scope<'_>) -> Result<Program, FormulaError> {
    let mut c = Compiler {
        scope,
        nodes: Vec::new(),
        warmup: Vec::new(),
        ids: HashMap::new(),
        defined: HashMap::new(),
        stack: Vec::new(),
        params_used: Default::default(),
    };
    let output = c.expression(key, src)?;
    // Every define is checked, even one the weights do not use.
    for name in scope.define.keys() {
        let site = Site {
            key: "strategy.define",
            src: name,
        };
        c.define(name, &site, 1)?;
    }
    Ok(Program {
        params_used: c.params_used.into_iter().collect(),
        warmup: c.warmup[output],
        nodes: c.nodes,
        output,
    })
}

/// The time-series operator of function `name`, if it is one.
fn ts_op(name: &str) -> Option<TsOp> {
    Some(match name {
        "delay" => TsOp::Delay,
        "ts_mean" => TsOp::Mean,
        "ts_sum" => TsOp::Sum,
        "ts_min" => TsOp::Min,
        "ts_max" => TsOp::Max,
        "ts_std" => TsOp::Std,
        "ts_zscore" => TsOp::Zscore,
        "ts_rank" => TsOp::Rank,
        "ema" => TsOp::Ema,
        "pct_change" => TsOp::PctChange,
        _ => return None,
    })
}

/// The elementwise one-argument operator of function `name`, if it is one.
fn unary_op(name: &str) -> Option<Unary> {
    Some(match name {
        "abs" => Unary::Abs,
        "log" => Unary::Log,
        "exp" => Unary::Exp,
        "sqrt" => Unary::Sqrt,
        "sign" => Unary::Sign,
        _ => return None,
    })
}
