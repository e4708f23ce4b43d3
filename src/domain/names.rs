//! Pinyin initials of Chinese names, for the client list's filter (`zsf` finds 张三丰).
//!
//! The pinyin crate gives each character's most common reading, which is wrong for many
//! surnames (曾 is zēng, not céng; 单 shàn; 解 xiè …). Surnames are read from a table first.

use pinyin::ToPinyin;

/// Compound surnames first, then single-character surnames whose surname reading differs from the
/// character's common reading.
const SURNAMES: &[(&str, &str)] = &[
    ("尉迟", "yc"),
    ("万俟", "mq"),
    ("长孙", "zs"),
    ("澹台", "tt"),
    ("曾", "z"),
    ("单", "s"),
    ("解", "x"),
    ("仇", "q"),
    ("查", "z"),
    ("覃", "q"),
    ("区", "o"),
    ("朴", "p"),
    ("乐", "y"),
    ("缪", "m"),
    ("翟", "z"),
    ("盖", "g"),
    ("秘", "b"),
    ("种", "c"),
    ("召", "s"),
    ("员", "y"),
    ("句", "g"),
    ("柏", "b"),
    ("沈", "s"),
    ("重", "c"),
    ("石", "s"),
];

fn initial(c: char) -> Option<char> {
    if c.is_ascii_alphanumeric() {
        return Some(c.to_ascii_lowercase());
    }
    c.to_pinyin().and_then(|p| p.first_letter().chars().next())
}

/// The initials of a name: 张三丰 → zsf, 曾小贤 → zxx, 尉迟恭 → ycg. Latin letters keep theirs.
pub fn initials(name: &str) -> String {
    let name = name.trim();
    let (mut out, rest) = match SURNAMES.iter().find(|(s, _)| name.starts_with(s)) {
        Some((surname, letters)) => (letters.to_string(), &name[surname.len()..]),
        None => (String::new(), name),
    };
    out.extend(rest.chars().filter_map(initial));
    out
}

/// Overlapping two-character pieces of the CJK runs in `text`, space-separated, for the index
/// that answers two-character queries (焦虑, 失眠) that a trigram index cannot.
pub fn bigrams(text: &str) -> String {
    let mut out = String::new();
    for run in text.split(|c: char| !is_cjk(c)).filter(|r| !r.is_empty()) {
        let chars: Vec<char> = run.chars().collect();
        if chars.len() == 1 {
            continue;
        }
        for pair in chars.windows(2) {
            out.push(pair[0]);
            out.push(pair[1]);
            out.push(' ');
        }
    }
    out
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_read_surnames_right() {
        for (name, want) in [
            ("张三丰", "zsf"),
            ("欧阳璟珩", "oyjh"),
            ("曾小贤", "zxx"),
            ("单田芳", "stf"),
            ("解缙", "xj"),
            ("尉迟恭", "ycg"),
            ("查良镛", "zly"),
            ("Li Lei", "lilei"),
        ] {
            assert_eq!(initials(name), want, "{name}");
        }
    }

    #[test]
    fn bigrams_cover_every_pair_of_each_chinese_run() {
        assert_eq!(bigrams("考试焦虑，失眠"), "考试 试焦 焦虑 失眠 ");
        assert_eq!(bigrams("a 好 b"), "");
    }
}
