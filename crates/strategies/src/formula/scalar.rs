//! Element-wise operators on one value, shared by constant folding and column evaluation so a
//! folded constant and an evaluated column can never disagree.
//!
//! Invariant: every result is finite or NaN (a division by zero, `log(0)` or an overflow gives
//! NaN, never ±inf); NaN in gives NaN out, comparisons and logic included (a warm-up bar is
//! never read as "false").

use super::parse::BinOp;

/// Element-wise functions of one argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unary {
    /// `-x`
    Neg,
    /// `not x`: 1 when x is 0, else 0.
    Not,
    /// `abs(x)`
    Abs,
    /// `log(x)`, natural; NaN for x <= 0.
    Log,
    /// `exp(x)`
    Exp,
    /// `sqrt(x)`; NaN for x < 0.
    Sqrt,
    /// `sign(x)`: -1, 0 or 1.
    Sign,
}

/// NaN for anything not finite.
#[inline]
pub fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        f64::NAN
    }
}

#[inline]
fn truth(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// `op x`.
#[inline]
pub fn unary(op: Unary, x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    finite(match op {
        Unary::Neg => -x,
        Unary::Not => truth(x == 0.0),
        Unary::Abs => x.abs(),
        Unary::Log => x.ln(),
        Unary::Exp => x.exp(),
        Unary::Sqrt => x.sqrt(),
        Unary::Sign => {
            if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                0.0
            }
        }
    })
}

/// `a op b`.
#[inline]
pub fn binary(op: BinOp, a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    finite(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        BinOp::Lt => truth(a < b),
        BinOp::Le => truth(a <= b),
        BinOp::Gt => truth(a > b),
        BinOp::Ge => truth(a >= b),
        BinOp::Eq => truth(a == b),
        BinOp::Ne => truth(a != b),
        BinOp::And => truth(a != 0.0 && b != 0.0),
        BinOp::Or => truth(a != 0.0 || b != 0.0),
    })
}

/// `min(a, b)` (`max` when `is_max`).
#[inline]
pub fn min_max(is_max: bool, a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if is_max {
        a.max(b)
    } else {
        a.min(b)
    }
}

/// `where(c, a, b)`: `a` where `c` is non-zero, `b` where it is 0, NaN where `c` is NaN.
#[inline]
pub fn select(c: f64, a: f64, b: f64) -> f64 {
    if c.is_nan() {
        f64::NAN
    } else if c != 0.0 {
        a
    } else {
        b
    }
}

/// `clip(x, lo, hi)`: `x` limited to `[lo, hi]`; NaN when any is NaN or `lo > hi`.
#[inline]
pub fn clip(x: f64, lo: f64, hi: f64) -> f64 {
    if x.is_nan() || lo.is_nan() || hi.is_nan() || lo > hi {
        f64::NAN
    } else {
        x.max(lo).min(hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_values() {
        let n = f64::NAN;
        assert_eq!(unary(Unary::Neg, 2.0), -2.0);
        assert_eq!(unary(Unary::Not, 0.0), 1.0);
        assert_eq!(unary(Unary::Not, -3.0), 0.0);
        assert_eq!(unary(Unary::Abs, -3.5), 3.5);
        assert_eq!(unary(Unary::Log, std::f64::consts::E), 1.0);
        assert!(unary(Unary::Log, 0.0).is_nan());
        assert!(unary(Unary::Log, -1.0).is_nan());
        assert_eq!(unary(Unary::Exp, 0.0), 1.0);
        assert!(unary(Unary::Exp, 1000.0).is_nan());
        assert_eq!(unary(Unary::Sqrt, 9.0), 3.0);
        assert!(unary(Unary::Sqrt, -9.0).is_nan());
        assert_eq!(
            [-2.0, 0.0, 5.0].map(|x| unary(Unary::Sign, x)),
            [-1.0, 0.0, 1.0]
        );
        assert!(unary(Unary::Sign, n).is_nan());
        assert_eq!(binary(BinOp::Add, 1.5, 2.0), 3.5);
        assert_eq!(binary(BinOp::Sub, 1.5, 2.0), -0.5);
        assert_eq!(binary(BinOp::Mul, 1.5, 2.0), 3.0);
        assert_eq!(binary(BinOp::Div, 3.0, 2.0), 1.5);
        assert!(binary(BinOp::Div, 3.0, 0.0).is_nan());
        assert_eq!(binary(BinOp::Lt, 1.0, 2.0), 1.0);
        assert_eq!(binary(BinOp::Le, 2.0, 2.0), 1.0);
        assert_eq!(binary(BinOp::Gt, 1.0, 2.0), 0.0);
        assert_eq!(binary(BinOp::Ge, 1.0, 2.0), 0.0);
        assert_eq!(binary(BinOp::Eq, 2.0, 2.0), 1.0);
        assert_eq!(binary(BinOp::Ne, 2.0, 2.0), 0.0);
        assert_eq!(binary(BinOp::And, 2.0, 0.0), 0.0);
        assert_eq!(binary(BinOp::And, 2.0, -1.0), 1.0);
        assert_eq!(binary(BinOp::Or, 0.0, 0.0), 0.0);
        assert_eq!(binary(BinOp::Or, 0.0, 3.0), 1.0);
        assert!(binary(BinOp::Lt, n, 1.0).is_nan());
        assert!(binary(BinOp::Or, n, 1.0).is_nan());
        assert_eq!(min_max(false, 1.0, 2.0), 1.0);
        assert_eq!(min_max(true, 1.0, 2.0), 2.0);
        assert!(min_max(true, n, 2.0).is_nan());
        assert_eq!(select(1.0, 5.0, 6.0), 5.0);
        assert_eq!(select(0.0, 5.0, 6.0), 6.0);
        assert!(select(n, 5.0, 6.0).is_nan());
        assert_eq!(clip(5.0, 0.0, 2.0), 2.0);
        assert_eq!(clip(-5.0, 0.0, 2.0), 0.0);
        assert_eq!(clip(1.0, 0.0, 2.0), 1.0);
        assert!(clip(1.0, 3.0, 2.0).is_nan());
    }
}
