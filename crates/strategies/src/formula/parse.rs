//! Text -> syntax tree: a hand-written lexer and recursive-descent parser.
//!
//! Grammar (lowest precedence first): `or`, `and`, `not`, comparisons (`< <= > >= == !=`, not
//! chained), `+ -`, `* /`, unary `-`, then primaries: numbers, names, `field@SYMBOL`, calls
//! `f(a, b)` and parentheses. Invariant: any input string yields a tree or a [`Syntax`] error
//! with a 1-based character column; nesting is bounded, so no input can exhaust the stack.

/// A parse problem at a 1-based character column.
#[derive(Debug, Clone, PartialEq)]
pub struct Syntax {
    /// Column of the offending character or token.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `and`
    And,
    /// `or`
    Or,
}

/// A syntax tree node with the column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Ast {
    /// 1-based character column of the node's first token.
    pub column: usize,
    /// What it is.
    pub kind: AstKind,
}

/// The kinds of syntax nodes.
#[derive(Debug, Clone, PartialEq)]
pub enum AstKind {
    /// A number literal.
    Num(f64),
    /// A bare name: field, parameter or defined expression.
    Name(String),
    /// `field@SYMBOL`.
    At(String, String),
    /// `name(args)`.
    Call(String, Vec<Ast>),
    /// Unary minus.
    Neg(Box<Ast>),
    /// `not x`.
    Not(Box<Ast>),
    /// `a op b`.
    Binary(BinOp, Box<Ast>, Box<Ast>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Symbol(String),
    Op(&'static str),
    End,
}

/// Deepest nesting accepted (parentheses, calls, unary operators).
const MAX_DEPTH: usize = 100;

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, Syntax> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text: String = chars[start..i].iter().filter(|&&c| c != '_').collect();
            let v: f64 = text.parse().map_err(|_| Syntax {
                column: col,
                message: format!(
                    "`{}` is not a number",
                    chars[start..i].iter().collect::<String>()
                ),
            })?;
            out.push((Tok::Num(v), col));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(chars[start..i].iter().collect()), col));
        } else if c == '@' {
            i += 1;
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '.' | '-' | '^' | '='))
            {
                i += 1;
            }
            if i == start {
                return Err(Syntax {
                    column: col,
                    message: "`@` must be followed by a symbol, as in `close@SPY`".into(),
                });
            }
            out.push((Tok::Symbol(chars[start..i].iter().collect()), col));
        } else {
            let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let op = ["<=", ">=", "==", "!="]
                .into_iter()
                .find(|o| *o == two)
                .or_else(|| {
                    ["+", "-", "*", "/", "<", ">", "(", ")", ","]
                        .into_iter()
                        .find(|o| o.starts_with(c))
                });
            match op {
                Some(o) => {
                    i += o.len();
                    out.push((Tok::Op(o), col));
                }
                None => {
                    return Err(Syntax {
                        column: col,
                        message: format!("unexpected character `{c}`"),
                    })
                }
            }
        }
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(v) => format!("number `{v}`"),
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Symbol(s) => format!("`@{s}`"),
        Tok::Op(o) => format!("`{o}`"),
        Tok::End => "the end of the expression".into(),
    }
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn column(&self) -> usize {
        self.toks[self.pos].1
    }

    fn bump(&mut self) -> (Tok, usize) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn is_op(&self, o: &str) -> bool {
        matches!(self.peek(), Tok::Op(x) if *x == o)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(x) if x == w)
    }

    fn fail<T>(&self, message: String) -> Result<T, Syntax> {
        Err(Syntax {
            column: self.column(),
            message,
        })
    }

    fn expect(&mut self, o: &str, context: &str) -> Result<(), Syntax> {
        if self.is_op(o) {
            self.bump();
            Ok(())
        } else {
            self.fail(format!(
                "expected `{o}` {context}, found {}",
                describe(self.peek())
            ))
        }
    }

    fn enter(&mut self) -> Result<(), Syntax> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.fail(format!(
                "expression nested more than {MAX_DEPTH} levels deep"
            ));
        }
        Ok(())
    }

    fn binary(l: Ast, op: BinOp, r: Ast) -> Ast {
        Ast {
            column: l.column,
            kind: AstKind::Binary(op, Box::new(l), Box::new(r)),
        }
    }

    fn or(&mut self) -> Result<Ast, Syntax> {
        let mut l = self.and()?;
        while self.is_word("or") {
            self.bump();
            let r = self.and()?;
            l = Self::binary(l, BinOp::Or, r);
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<Ast, Syntax> {
        let mut l = self.not()?;
        while self.is_word("and") {
            self.bump();
            let r = self.not()?;
            l = Self::binary(l, BinOp::And, r);
        }
        Ok(l)
    }

    fn not(&mut self) -> Result<Ast, Syntax> {
        if self.is_word("not") {
            let (_, column) = self.bump();
            self.enter()?;
            let x = self.not()?;
            self.depth -= 1;
            return Ok(Ast {
                column,
                kind: AstKind::Not(Box::new(x)),
            });
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Ast, Syntax> {
        let l = self.add()?;
        let op = match self.peek() {
            Tok::Op("<") => BinOp::Lt,
            Tok::Op("<=") => BinOp::Le,
            Tok::Op(">") => BinOp::Gt,
            Tok::Op(">=") => BinOp::Ge,
            Tok::Op("==") => BinOp::Eq,
            Tok::Op("!=") => BinOp::Ne,
            _ => return Ok(l),
        };
        self.bump();
        let r = self.add()?;
        if matches!(self.peek(), Tok::Op("<" | "<=" | ">" | ">=" | "==" | "!=")) {
            return self.fail("comparisons do not chain: write `a < b and b < c`".into());
        }
        Ok(Self::binary(l, op, r))
    }

    fn add(&mut self) -> Result<Ast, Syntax> {
        let mut l = self.mul()?;
        loop {
            let op = match self.peek() {
                Tok::Op("+") => BinOp::Add,
                Tok::Op("-") => BinOp::Sub,
                _ => return Ok(l),
            };
            self.bump();
            let r = self.mul()?;
            l = Self::binary(l, op, r);
        }
    }

    fn mul(&mut self) -> Result<Ast, Syntax> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op("*") => BinOp::Mul,
                Tok::Op("/") => BinOp::Div,
                _ => return Ok(l),
            };
            self.bump();
            let r = self.unary()?;
            l = Self::binary(l, op, r);
        }
    }

    fn unary(&mut self) -> Result<Ast, Syntax> {
        if self.is_op("-") {
            let (_, column) = self.bump();
            self.enter()?;
            let x = self.unary()?;
            self.depth -= 1;
            return Ok(Ast {
                column,
                kind: AstKind::Neg(Box::new(x)),
            });
        }
        if self.is_op("+") {
            self.bump();
            self.enter()?;
            let x = self.unary()?;
            self.depth -= 1;
            return Ok(x);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Ast, Syntax> {
        let (tok, column) = self.bump();
        match tok {
            Tok::Num(v) => Ok(Ast {
                column,
                kind: AstKind::Num(v),
            }),
            Tok::Ident(name) if matches!(name.as_str(), "and" | "or" | "not") => Err(Syntax {
                column,
                message: format!("expected a value before `{name}`"),
            }),
            Tok::Ident(name) => {
                if self.is_op("(") {
                    self.bump();
                    self.enter()?;
                    let mut args = Vec::new();
                    if !self.is_op(")") {
                        loop {
                            args.push(self.or()?);
                            if self.is_op(",") {
                                self.bump();
                                continue;
                            }
                            break;
                        }
                    }
                    self.expect(")", &format!("to close `{name}(`"))?;
                    self.depth -= 1;
                    Ok(Ast {
                        column,
                        kind: AstKind::Call(name, args),
                    })
                } else if let Tok::Symbol(sym) = self.peek().clone() {
                    self.bump();
                    Ok(Ast {
                        column,
                        kind: AstKind::At(name, sym),
                    })
                } else {
                    Ok(Ast {
                        column,
                        kind: AstKind::Name(name),
                    })
                }
            }
            Tok::Op("(") => {
                self.enter()?;
                let x = self.or()?;
                self.expect(")", "to close `(`")?;
                self.depth -= 1;
                Ok(x)
            }
            t => Err(Syntax {
                column,
                message: format!("expected a value, found {}", describe(&t)),
            }),
        }
    }
}

/// Parses one expression.
pub fn parse(src: &str) -> Result<Ast, Syntax> {
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let ast = p.or()?;
    if *p.peek() != Tok::End {
        return p.fail(format!(
            "unexpected {} after a complete expression",
            describe(p.peek())
        ));
    }
    Ok(ast)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(a: &Ast) -> String {
        match &a.kind {
            AstKind::Num(v) => format!("{v}"),
            AstKind::Name(n) => n.clone(),
            AstKind::At(f, s) => format!("{f}@{s}"),
            AstKind::Call(n, args) => format!(
                "{n}({})",
                args.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
            AstKind::Neg(x) => format!("(-{})", show(x)),
            AstKind::Not(x) => format!("(not {})", show(x)),
            AstKind::Binary(op, l, r) => format!("({} {op:?} {})", show(l), show(r)),
        }
    }

    #[test]
    fn precedence_and_columns() {
        let a = parse("a + b * -c > 1 and not d or e").unwrap();
        assert_eq!(show(&a), "((((a Add (b Mul (-c))) Gt 1) And (not d)) Or e)");
        let a = parse("delay(close@BRK.B, 1_0) / 2.5e1").unwrap();
        assert_eq!(show(&a), "(delay(close@BRK.B, 10) Div 25)");
        let AstKind::Binary(_, _, r) = &parse("x  -  y").unwrap().kind else {
            panic!()
        };
        assert_eq!(r.column, 7);
    }

    #[test]
    fn errors_carry_columns() {
        let e = |s: &str| parse(s).unwrap_err();
        assert_eq!(e("top(mom, 3").column, 11);
        assert!(e("top(mom, 3").message.contains("expected `)`"));
        assert_eq!(e("a $ b").column, 3);
        assert_eq!(e("a < b < c").column, 7);
        assert_eq!(
            e("a b").message,
            "unexpected `b` after a complete expression"
        );
        assert_eq!(e("close@").column, 6);
        assert_eq!(
            e("").message,
            "expected a value, found the end of the expression"
        );
        assert!(e(&"(".repeat(500)).message.contains("nested"));
        assert!(e(&"-".repeat(500)).message.contains("nested"));
    }
}
