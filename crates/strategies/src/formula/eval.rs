//! Column-wise evaluation of a [`Program`]: each node once, over all bars and symbols.
//!
//! Values are constants, one series (a `field@SYMBOL`, the same for every universe member) or a
//! panel (one series per universe member, symbol-major). Invariant: only nodes the output
//! depends on are computed, a node's column is freed after its last reader, and every kernel
//! reads bars `<= t` for bar `t` (see [`super::ts`] and [`super::cs`]).

use rotor_engine::Prices;

use super::compile::{Field, Node, Program};
use super::scalar;
use super::{cs, ts};
use crate::alloc::Alloc;
use crate::error::StrategyError;

/// What a program reads: the run's price view (adjusted when the run adjusts) and the
/// universe's market indices, in config order.
pub struct Source<'a> {
    /// Prices of every market symbol over all bars.
    pub prices: &'a Prices<'a>,
    /// Market indices of the universe, in config order.
    pub universe: &'a [usize],
}

enum Col {
    Const(f64),
    Series(Vec<f64>),
    Panel(Vec<f64>),
}

#[derive(Clone, Copy)]
enum Lane<'a> {
    C(f64),
    S(&'a [f64]),
}

impl Lane<'_> {
    #[inline]
    fn at(self, t: usize) -> f64 {
        match self {
            Lane::C(v) => v,
            Lane::S(s) => s[t],
        }
    }
}

impl Col {
    fn rank(&self) -> u8 {
        match self {
            Col::Const(_) => 0,
            Col::Series(_) => 1,
            Col::Panel(_) => 2,
        }
    }

    /// Member `k`'s series.
    fn lane(&self, k: usize, n: usize) -> Lane<'_> {
        match self {
            Col::Const(v) => Lane::C(*v),
            Col::Series(s) => Lane::S(s),
            Col::Panel(p) => Lane::S(&p[k * n..(k + 1) * n]),
        }
    }
}

/// What a failed column reservation names in its error (with the size of that column).
const COLUMN: &str =
    "the formula strategy's columns (strategy.weights: one value per bar and universe symbol)";

/// Appends `f` of symbol `s` (every bar) to `out`, which has room for it.
fn extend_field(out: &mut Vec<f64>, src: &Source<'_>, f: Field, s: usize) {
    let p = src.prices;
    match f {
        Field::Open => out.extend_from_slice(p.open(s)),
        Field::High => out.extend_from_slice(p.high(s)),
        Field::Low => out.extend_from_slice(p.low(s)),
        Field::Close => out.extend_from_slice(p.close(s)),
        Field::Volume => out.extend_from_slice(p.volume(s)),
        Field::Returns => {
            let close = p.close(s);
            out.extend((0..close.len()).map(|t| {
                if t == 0 {
                    f64::NAN
                } else {
                    scalar::finite(close[t] / close[t - 1] - 1.0)
                }
            }));
        }
    }
}

/// Member `k`'s lanes of up to three inputs (missing ones are constant 0).
fn lanes<'a>(inputs: &[&'a Col], k: usize, n: usize) -> [Lane<'a>; 3] {
    let mut l = [Lane::C(0.0); 3];
    for (slot, c) in l.iter_mut().zip(inputs) {
        *slot = c.lane(k, n);
    }
    l
}

/// Sizes of the columns and how they are reserved.
#[derive(Clone, Copy)]
struct Shape {
    /// Bars.
    n: usize,
    /// Universe members.
    m: usize,
    alloc: Alloc,
}

impl Shape {
    /// An empty column with room for `len` values.
    fn column(self, len: usize) -> Result<Vec<f64>, StrategyError> {
        self.alloc.with_capacity(len, COLUMN)
    }

    /// A column of `len` copies of `v`.
    fn filled(self, len: usize, v: f64) -> Result<Vec<f64>, StrategyError> {
        self.alloc.filled(len, v, COLUMN)
    }

    /// Element-wise map over up to three inputs, broadcasting constants and series.
    fn map(self, inputs: &[&Col], f: impl Fn(&[f64; 3]) -> f64) -> Result<Col, StrategyError> {
        let Shape { n, m, .. } = self;
        let top = inputs.iter().map(|c| c.rank()).max().unwrap_or(0);
        let run = |k: usize, out: &mut Vec<f64>| {
            let l = lanes(inputs, k, n);
            out.extend((0..n).map(|t| f(&[l[0].at(t), l[1].at(t), l[2].at(t)])));
        };
        Ok(match top {
            0 => Col::Const(f(&lanes(inputs, 0, n).map(|l| l.at(0)))),
            1 => {
                let mut out = self.column(n)?;
                run(0, &mut out);
                Col::Series(out)
            }
            _ => {
                let mut out = self.column(n * m)?;
                for k in 0..m {
                    run(k, &mut out);
                }
                Col::Panel(out)
            }
        })
    }

    /// Rolling op per member, written into each member's slice of the output (a constant
    /// becomes a series first); `members` is `m`, or 1 to make a panel's first lane a series.
    fn per_lane(
        self,
        c: &Col,
        members: usize,
        f: impl Fn(&[f64], &mut [f64]),
    ) -> Result<Col, StrategyError> {
        let n = self.n;
        Ok(match c {
            Col::Const(v) => {
                let x = self.filled(n, *v)?;
                let mut out = self.filled(n, f64::NAN)?;
                f(&x, &mut out);
                Col::Series(out)
            }
            Col::Series(s) => {
                let mut out = self.filled(n, f64::NAN)?;
                f(s, &mut out);
                Col::Series(out)
            }
            Col::Panel(p) => {
                let mut out = self.filled(n * members, f64::NAN)?;
                for k in 0..members {
                    f(&p[k * n..(k + 1) * n], &mut out[k * n..(k + 1) * n]);
                }
                Col::Panel(out)
            }
        })
    }

    /// Row-wise op across members at each bar.
    fn per_row(
        self,
        c: &Col,
        f: impl Fn(&mut [f64], &mut Vec<usize>),
    ) -> Result<Col, StrategyError> {
        let Shape { n, m, .. } = self;
        let mut out = self.filled(n * m, 0.0)?;
        let mut row = vec![0.0; m];
        let mut order = Vec::with_capacity(m);
        for t in 0..n {
            for (k, r) in row.iter_mut().enumerate() {
                *r = c.lane(k, n).at(t);
            }
            f(&mut row, &mut order);
            for (k, r) in row.iter().enumerate() {
                out[k * n + t] = *r;
            }
        }
        Ok(Col::Panel(out))
    }

    /// Rolling correlation of `a` and `b` over `w` bars, per member.
    fn corr(self, ca: &Col, cb: &Col, w: usize) -> Result<Col, StrategyError> {
        let Shape { n, m, .. } = self;
        if ca.rank() < 2 && cb.rank() < 2 {
            let copy = |x: &[f64], o: &mut [f64]| o.copy_from_slice(x);
            let (x, y) = (self.per_lane(ca, 1, copy)?, self.per_lane(cb, 1, copy)?);
            let (Col::Series(x), Col::Series(y)) = (&x, &y) else {
                unreachable!("per_lane of a constant or series is a series")
            };
            let mut out = self.filled(n, f64::NAN)?;
            ts::corr_into(x, y, w, &mut out);
            return Ok(Col::Series(out));
        }
        let mut out = self.filled(n * m, f64::NAN)?;
        let mut xa = self.filled(n, 0.0)?;
        let mut xb = self.filled(n, 0.0)?;
        for k in 0..m {
            let (la, lb) = (ca.lane(k, n), cb.lane(k, n));
            for t in 0..n {
                xa[t] = la.at(t);
                xb[t] = lb.at(t);
            }
            ts::corr_into(&xa, &xb, w, &mut out[k * n..(k + 1) * n]);
        }
        Ok(Col::Panel(out))
    }
}

fn inputs(node: &Node) -> Vec<usize> {
    match *node {
        Node::Const(_) | Node::Field(..) => vec![],
        Node::Unary(_, a) | Node::Ts(_, a, _) | Node::Cs(_, a) | Node::Pick(_, a, _) => vec![a],
        Node::Binary(_, a, b) | Node::MinMax(_, a, b) | Node::Corr(a, b, _) => vec![a, b],
        Node::Where(a, b, c) | Node::Clip(a, b, c) => vec![a, b, c],
    }
}

impl Shape {
    /// The column of `node`, from its inputs' columns (`get`).
    fn node<'c>(
        self,
        node: &Node,
        src: &Source<'_>,
        get: impl Fn(usize) -> &'c Col,
    ) -> Result<Col, StrategyError> {
        let Shape { n, m, .. } = self;
        Ok(match *node {
            Node::Const(bits) => Col::Const(f64::from_bits(bits)),
            Node::Field(f, Some(s)) => {
                let mut out = self.column(n)?;
                extend_field(&mut out, src, f, s);
                Col::Series(out)
            }
            Node::Field(f, None) => {
                let mut p = self.column(n * m)?;
                for &s in src.universe {
                    extend_field(&mut p, src, f, s);
                }
                Col::Panel(p)
            }
            Node::Unary(op, a) => self.map(&[get(a)], |v| scalar::unary(op, v[0]))?,
            Node::Binary(op, a, b) => {
                self.map(&[get(a), get(b)], |v| scalar::binary(op, v[0], v[1]))?
            }
            Node::MinMax(mx, a, b) => {
                self.map(&[get(a), get(b)], |v| scalar::min_max(mx, v[0], v[1]))?
            }
            Node::Where(c, a, b) => self.map(&[get(c), get(a), get(b)], |v| {
                scalar::select(v[0], v[1], v[2])
            })?,
            Node::Clip(x, a, b) => self.map(&[get(x), get(a), get(b)], |v| {
                scalar::clip(v[0], v[1], v[2])
            })?,
            Node::Ts(op, a, w) => self.per_lane(get(a), m, |x, o| ts::apply_into(op, x, w, o))?,
            Node::Corr(a, b, w) => self.corr(get(a), get(b), w)?,
            Node::Cs(op, a) => self.per_row(get(a), |row, order| cs::apply(op, row, order))?,
            Node::Pick(top, a, k) => {
                self.per_row(get(a), |row, order| cs::pick(top, k, row, order))?
            }
        })
    }
}

/// The program's output for every universe member: symbol-major, `n_bars` per member. With
/// `fallible`, no memory for a column is an error saying how much the column needed
/// ([`StrategyError::is_out_of_memory`]); without, the global allocator handles it.
pub fn evaluate(
    program: &Program,
    src: &Source<'_>,
    fallible: bool,
) -> Result<Vec<f64>, StrategyError> {
    let (n, m) = (src.prices.market().n_bars(), src.universe.len());
    let shape = Shape {
        n,
        m,
        alloc: Alloc::new(fallible),
    };
    let count = program.nodes.len();
    let mut needed = vec![false; count];
    let mut last_use = vec![0usize; count];
    needed[program.output] = true;
    for i in (0..count).rev() {
        if !needed[i] {
            continue;
        }
        for j in inputs(&program.nodes[i]) {
            needed[j] = true;
            last_use[j] = last_use[j].max(i);
        }
    }
    let mut cols: Vec<Option<Col>> = (0..count).map(|_| None).collect();
    for i in 0..count {
        if !needed[i] {
            continue;
        }
        let get = |j: usize| {
            cols[j]
                .as_ref()
                .expect("inputs are computed before their nodes")
        };
        let col = shape.node(&program.nodes[i], src, get)?;
        cols[i] = Some(col);
        for j in inputs(&program.nodes[i]) {
            if last_use[j] == i && j != program.output {
                cols[j] = None;
            }
        }
    }
    Ok(match cols[program.output].take() {
        Some(Col::Panel(p)) => p,
        Some(c) => {
            let mut p = shape.column(n * m)?;
            for k in 0..m {
                let l = c.lane(k, n);
                p.extend((0..n).map(|t| l.at(t)));
            }
            p
        }
        None => shape.filled(n * m, f64::NAN)?,
    })
}

/// [`evaluate`] on `market`'s prices, adjusted when `adjust` (the run's `execution.adjust`;
/// with `fallible`, no memory for the adjusted columns is an error too).
pub fn evaluate_market(
    program: &Program,
    market: &rotor_data::Market,
    adjust: bool,
    universe: &[usize],
    fallible: bool,
) -> Result<Vec<f64>, StrategyError> {
    let prices = match fallible {
        true => Prices::try_new(market, adjust)?,
        false => Prices::new(market, adjust),
    };
    evaluate(
        program,
        &Source {
            prices: &prices,
            universe,
        },
        fallible,
    )
}
