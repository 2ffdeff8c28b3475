//! The per-row shortcuts of the [`Visitor`](crate::read::Visitor): a fast hasher for small
//! integer keys, dense ids for stratum and PSU values (keyed by number for typed input,
//! without formatting or string hashing, with a "same as the previous row" shortcut, since
//! files are usually sorted by PSU), and the pattern memo.
//!
//! **Why a memo.** Every plan expression reads only the row's non-design columns, and in
//! household surveys these are categorical: 10^7 persons show a few thousand distinct
//! combinations of sex, age group, education, region and the ICT answers. So the visitor
//! keys each row by the values of those columns (its *pattern*) and evaluates the plan
//! once per pattern; later rows with the same pattern cost one hash lookup instead of
//! dozens of expression evaluations. A continuous variable (a mean of income) makes every
//! row a new pattern: the memo stops growing at [`MEMO_CAP`] patterns and is then switched
//! off, so such plans pay the evaluation as before plus a bounded warm-up.

/// A `HashMap` with rustc's Fx hasher (the `rustc-hash` crate): a multiply and a rotate per
/// word. Keys here are short runs of integers made by the program itself, not
/// attacker-chosen strings of a network request, so SipHash's protection against collisions
/// buys nothing and costs most of a lookup.
pub(crate) type FxMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// A stratum or PSU value as the file holds it: a number (typed input) or a text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum IdKey {
    /// The bits of the number (-0 and 0 are distinct, as their texts "-0" and "0" are).
    Number(u64),
    /// The trimmed text.
    Text(Box<str>),
}

impl IdKey {
    /// The value as the file writes it, for messages and output.
    pub fn name(&self) -> String {
        match self {
            Self::Number(bits) => format!("{}", f64::from_bits(*bits)),
            Self::Text(t) => t.to_string(),
        }
    }
}

/// Dense ids (0, 1, …, in order of first appearance) for the values of one design column.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ids {
    by_number: FxMap<u64, u32>,
    by_text: FxMap<Box<str>, u32>,
    keys: Vec<IdKey>,
    /// The previous row's id: most rows repeat it (files sorted by stratum and PSU).
    last: Option<(IdKey, u32)>,
}

impl Ids {
    /// The previous row's id if this typed number repeats it (the common case, checked
    /// inline before the full lookup).
    #[inline]
    pub fn repeat(&self, number: Result<f64, ()>, typed: bool) -> Option<u32> {
        match (&self.last, number) {
            (Some((IdKey::Number(b), id)), Ok(x)) if typed && *b == x.to_bits() => Some(*id),
            _ => None,
        }
    }

    /// The id of a number, assigning the next one if new.
    #[inline]
    pub fn of_number(&mut self, x: f64) -> u32 {
        let bits = x.to_bits();
        if let Some((IdKey::Number(b), id)) = &self.last
            && *b == bits
        {
            return *id;
        }
        let id = match self.by_number.get(&bits) {
            Some(&id) => id,
            None => self.assign(IdKey::Number(bits)),
        };
        self.last = Some((IdKey::Number(bits), id));
        id
    }

    /// The id of a text, assigning the next one if new.
    #[inline]
    pub fn of_text(&mut self, t: &str) -> u32 {
        if let Some((IdKey::Text(last), id)) = &self.last
            && **last == *t
        {
            return *id;
        }
        let id = match self.by_text.get(t) {
            Some(&id) => id,
            None => self.assign(IdKey::Text(t.into())),
        };
        self.last = Some((IdKey::Text(t.into()), id));
        id
    }

    /// The id of a key, assigning the next one if new.
    pub fn of_key(&mut self, key: &IdKey) -> u32 {
        let known = match key {
            IdKey::Number(bits) => self.by_number.get(bits),
            IdKey::Text(t) => self.by_text.get(t),
        };
        match known {
            Some(&id) => id,
            None => self.assign(key.clone()),
        }
    }

    fn assign(&mut self, key: IdKey) -> u32 {
        let id = u32::try_from(self.keys.len()).expect("fewer than 2^32 ids");
        match &key {
            IdKey::Number(bits) => self.by_number.insert(*bits, id),
            IdKey::Text(t) => self.by_text.insert(t.clone(), id),
        };
        self.keys.push(key);
        id
    }

    /// The values, by id.
    pub fn keys(&self) -> &[IdKey] {
        &self.keys
    }

    /// The value of an id as the file writes it.
    pub fn name(&self, id: u64) -> Option<String> {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.keys.get(i))
            .map(IdKey::name)
    }
}

/// At most this many patterns are memoised; a plan reading a continuous variable makes
/// nearly every row a new pattern, and the memo is then switched off (see the module doc).
pub(crate) const MEMO_CAP: usize = 1 << 16;

/// A pattern key holds one word per number (its bits), and these tags for the other
/// field states: signalling-NaN bit patterns, which no number key ever has (a parsed
/// "nan" is the quiet NaN; a typed NaN is taken as missing), so no two states share a key.
pub(crate) const TAG_MISSING: u64 = 0x7FF4_0000_0000_0001;
/// A text: this tag plus its length, then its bytes.
const TAG_TEXT: u64 = 0x7FF2_0000_0000_0000;

/// Patterns of at most this many slots whose values are all small codes are packed into
/// one fixed-size key (16 bits a slot), hashed and compared without a loop or a call.
pub(crate) const PACKED_SLOTS: usize = 16;

/// A row's pattern key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    /// Every slot is missing or an integer 0 … 65,534 (written as itself): 16 bits each,
    /// 0 for missing, the value + 1 otherwise.
    Packed([u64; PACKED_SLOTS / 4]),
    /// The general key, in the visitor's key buffer: one word per number (its bits), a
    /// tag for a missing value, a tag and the bytes for a text.
    General,
}

/// The level of a packed slot: 0 for missing, x + 1 for an integer x in 0 … 65,534 (not
/// -0, whose text differs); None if the value cannot be packed.
#[inline]
pub(crate) fn small_code(x: f64) -> Option<u64> {
    // In range, the cast truncates; comparing back tells an integer (without `fract`,
    // a libm call on baseline x86-64).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = x as u32;
    (x.to_bits() >> 63 == 0 && x < 65_535.0 && f64::from(i) == x).then_some(u64::from(i) + 1)
}

/// Whether a text is an integer written as Rust writes it (no sign, no leading zero, no
/// point), so that its number stands for its text in a packed key.
#[inline]
pub(crate) fn canonical_integer(t: &str) -> bool {
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 5
        && b.iter().all(u8::is_ascii_digit)
        && (b.len() == 1 || b[0] != b'0')
}

/// Pattern → (finest cell, analysis values).
#[derive(Debug, Clone)]
pub(crate) struct Memo {
    packed: FxMap<[u64; PACKED_SLOTS / 4], u32>,
    index: FxMap<Box<[u64]>, u32>,
    cells: Vec<u32>,
    values: Vec<f64>,
    n_vars: usize,
    pub enabled: bool,
}

impl Memo {
    pub fn new(n_vars: usize) -> Self {
        Self {
            packed: FxMap::default(),
            index: FxMap::default(),
            cells: Vec::new(),
            values: Vec::new(),
            n_vars,
            enabled: true,
        }
    }

    /// A fresh memo of the same shape (patterns are cheap to relearn; a forked visitor
    /// codes cells on its own).
    pub fn empty_like(&self) -> Self {
        Self::new(self.n_vars)
    }

    /// The cell and values of a known pattern.
    #[inline]
    pub fn get(&self, key: Key, general: &[u64]) -> Option<(u32, &[f64])> {
        let &i = match key {
            Key::Packed(k) => self.packed.get(&k),
            Key::General => self.index.get(general),
        }?;
        let i = i as usize;
        Some((
            self.cells[i],
            &self.values[i * self.n_vars..(i + 1) * self.n_vars],
        ))
    }

    /// Remembers a pattern; at the cap, switches the memo off for good.
    pub fn insert(&mut self, key: Key, general: &[u64], cell: u32, values: &[f64]) {
        if self.cells.len() >= MEMO_CAP {
            self.enabled = false;
            self.packed = FxMap::default();
            self.index = FxMap::default();
            self.cells = Vec::new();
            self.values = Vec::new();
            return;
        }
        let i = u32::try_from(self.cells.len()).expect("below the cap");
        match key {
            Key::Packed(k) => self.packed.insert(k, i),
            Key::General => self.index.insert(general.into(), i),
        };
        self.cells.push(cell);
        self.values.extend_from_slice(values);
    }
}

/// Appends a text to a pattern key: its tag and length, then its bytes eight to a word.
pub(crate) fn push_text(key: &mut Vec<u64>, t: &str) {
    key.push(TAG_TEXT | (t.len() as u64 & 0xFFFF_FFFF));
    for c in t.as_bytes().chunks(8) {
        let mut w = [0_u8; 8];
        w[..c.len()].copy_from_slice(c);
        key.push(u64::from_le_bytes(w));
    }
}
