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

fn returns(close: &[f64]) -> Vec<f64> {
    (0..close.len())
        .map(|t| {
            if t == 0 {
                f64::NAN
            } else {
                scalar::finite(close[t] / close[t - 1] - 1.0)
            }
        })
        .collect()
}

fn field(src: &Source<'_>, f: Field, s: usize) -> Vec<f64> {
    let p = src.prices;
    match f {
        Field::Open => p.open(s).to_vec(),
        Field::High => p.high(s).to_vec(),
        Field::Low => p.low(s).to_vec(),
        Field::Close => p.close(s).to_vec(),
        Field::Volume => p.volume(s).to_vec(),
        Field::Returns => returns(p.close(s)),
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

/// Element-wise map over up to three inputs, broadcasting constants and series.
fn map(inputs: &[&Col], n: usize, members: usize, f: impl Fn(&[f64; 3]) -> f64) -> Col {
    let top = inputs.iter().map(|c| c.rank()).max().unwrap_or(0);
    let run = |k: usize, out: &mut Vec<f64>| {
        let l = lanes(inputs, k, n);
        out.extend((0..n).map(|t| f(&[l[0].at(t), l[1].at(t), l[2].at(t)])));
    };
    match top {
        0 => Col::Const(f(&lanes(inputs, 0, n).map(|l| l.at(0)))),
        1 => {
            let mut out = Vec::with_capacity(n);
            run(0, &mut out);
            Col::Series(out)
        }
        _ => {
            let mut out = Vec::with_capacity(n * members);
            for k in 0..members {
                run(k, &mut out);
            }
            Col::Panel(out)
        }
    }
}

/// Rolling op per member (a constant becomes a series first).
fn per_lane(c: &Col, n: usize, members: usize, f: impl Fn(&[f64]) -> Vec<f64>) -> Col {
    match c {
        Col::Const(v) => Col::Series(f(&vec![*v; n])),
        Col::Series(s) => Col::Series(f(s)),
        Col::Panel(p) => {
            let mut out = Vec::with_capacity(n * members);
            for k in 0..members {
                out.extend(f(&p[k * n..(k + 1) * n]));
            }
            Col::Panel(out)
        }
    }
}

/// Row-wise op across members at each bar.
fn per_row(c: &Col, n: usize, members: usize, f: impl Fn(&mut [f64], &mut Vec<usize>)) -> Col {
    let mut out = vec![0.0; n * members];
    let mut row = vec![0.0; members];
    let mut order = Vec::with_capacity(members);
    for t in 0..n {
        for (k, r) in row.iter_mut().enumerate() {
            *r = c.lane(k, n).at(t);
        }
        f(&mut row, &mut order);
        for (k, r) in row.iter().enumerate() {
            out[k * n + t] = *r;
        }
    }
    Col::Panel(out)
}

fn inputs(node: &Node) -> Vec<usize> {
    match *node {
        Node::Const(_) | Node::Field(..) => vec![],
        Node::Unary(_, a) | Node::Ts(_, a, _) | Node::Cs(_, a) | Node::Pick(_, a, _) => vec![a],
        Node::Binary(_, a, b) | Node::MinMax(_, a, b) | Node::Corr(a, b, _) => vec![a, b],
        Node::Where(a, b, c) | Node::Clip(a, b, c) => vec![a, b, c],
    }
}

/// The program's output for every universe member: symbol-major, `n_bars` per member.
pub fn evaluate(program: &Program, src: &Source<'_>) -> Vec<f64> {
    let (n, m) = (src.prices.market().n_bars(), src.universe.len());
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
        let col = match program.nodes[i] {
            Node::Const(bits) => Col::Const(f64::from_bits(bits)),
            Node::Field(f, Some(s)) => Col::Series(field(src, f, s)),
            Node::Field(f, None) => {
                let mut p = Vec::with_capacity(n * m);
                for &s in src.universe {
                    p.extend(field(src, f, s));
                }
                Col::Panel(p)
            }
            Node::Unary(op, a) => map(&[get(a)], n, m, |v| scalar::unary(op, v[0])),
            Node::Binary(op, a, b) => {
                map(&[get(a), get(b)], n, m, |v| scalar::binary(op, v[0], v[1]))
            }
            Node::MinMax(mx, a, b) => {
                map(&[get(a), get(b)], n, m, |v| scalar::min_max(mx, v[0], v[1]))
            }
            Node::Where(c, a, b) => map(&[get(c), get(a), get(b)], n, m, |v| {
                scalar::select(v[0], v[1], v[2])
            }),
            Node::Clip(x, a, b) => map(&[get(x), get(a), get(b)], n, m, |v| {
                scalar::clip(v[0], v[1], v[2])
            }),
            Node::Ts(op, a, w) => per_lane(get(a), n, m, |x| ts::apply(op, x, w)),
            Node::Corr(a, b, w) => {
                let (ca, cb) = (get(a), get(b));
                if ca.rank() < 2 && cb.rank() < 2 {
                    let (x, y) = (
                        per_lane(ca, n, 1, |x| x.to_vec()),
                        per_lane(cb, n, 1, |x| x.to_vec()),
                    );
                    let (Col::Series(x), Col::Series(y)) = (&x, &y) else {
                        unreachable!("per_lane of a constant or series is a series")
                    };
                    Col::Series(ts::corr(x, y, w))
                } else {
                    let mut out = Vec::with_capacity(n * m);
                    let mut xa = vec![0.0; n];
                    let mut xb = vec![0.0; n];
                    for k in 0..m {
                        let (la, lb) = (ca.lane(k, n), cb.lane(k, n));
                        for t in 0..n {
                            xa[t] = la.at(t);
                            xb[t] = lb.at(t);
                        }
                        out.extend(ts::corr(&xa, &xb, w));
                    }
                    Col::Panel(out)
                }
            }
            Node::Cs(op, a) => per_row(get(a), n, m, |row, order| cs::apply(op, row, order)),
            Node::Pick(top, a, k) => {
                per_row(get(a), n, m, |row, order| cs::pick(top, k, row, order))
            }
        };
        cols[i] = Some(col);
        for j in inputs(&program.nodes[i]) {
            if last_use[j] == i && j != program.output {
                cols[j] = None;
            }
        }
    }
    match cols[program.output].take() {
        Some(Col::Panel(p)) => p,
        Some(c) => {
            let mut p = Vec::with_capacity(n * m);
            for k in 0..m {
                let l = c.lane(k, n);
                p.extend((0..n).map(|t| l.at(t)));
            }
            p
        }
        None => vec![f64::NAN; n * m],
    }
}

/// [`evaluate`] on `market`'s prices, adjusted when `adjust` (the run's `execution.adjust`).
pub fn evaluate_market(
    program: &Program,
    market: &rotor_data::Market,
    adjust: bool,
    universe: &[usize],
) -> Vec<f64> {
    let prices = Prices::new(market, adjust);
    evaluate(
        program,
        &Source {
            prices: &prices,
            universe,
        },
    )
}
