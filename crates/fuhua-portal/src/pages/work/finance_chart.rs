//! The budget-use chart of the finance page: one horizontal bar per fund source and
//! year, split into paid, reserved and left, drawn as SVG on the server (no script).
//! The page puts the same numbers in a table beside it for screen readers; the SVG
//! itself is `aria-hidden`. Every text is escaped.

use fuhua_core::Money;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// One bar: its label and amounts in yuan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub appropriated: Money,
    pub reserved: Money,
    pub paid: Money,
}

/// Escapes text for SVG/XML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

const WIDTH: u32 = 640;
const LABEL: u32 = 200;
const ROW: u32 = 28;
const BAR: u32 = 18;

/// The width in pixels (0..=`scale`) of `part` of `whole`, never negative.
fn width(part: Money, whole: Money, scale: u32) -> u32 {
    if whole.amount() <= Decimal::ZERO || part.amount() <= Decimal::ZERO {
        return 0;
    }
    let ratio = (part.amount() / whole.amount()).min(Decimal::ONE);
    (ratio * Decimal::from(scale)).round().to_u32().unwrap_or(0)
}

/// The SVG text of the chart: paid (dark), reserved (mid), left (light) of each
/// bar's appropriation; a bar over its appropriation is drawn full. `legend` is
/// (paid, reserved, left) in the page's language.
pub fn budget_chart(bars: &[Bar], title: &str, legend: (&str, &str, &str)) -> String {
    let height = ROW * u32::try_from(bars.len()).unwrap_or(0) + 40;
    let scale = WIDTH - LABEL - 10;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-hidden=\"true\"><title>{}</title>",
        escape(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = 8 + ROW * u32::try_from(i).unwrap_or(0);
        let paid = width(bar.paid, bar.appropriated, scale);
        let reserved = width(bar.reserved, bar.appropriated, scale).min(scale - paid);
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 13,
            escape(&bar.label)
        ));
        svg.push_str(&format!(
            "<rect x=\"{LABEL}\" y=\"{y}\" width=\"{scale}\" height=\"{BAR}\" fill=\"#dfe7f2\"/>"
        ));
        if paid > 0 {
            svg.push_str(&format!(
                "<rect x=\"{LABEL}\" y=\"{y}\" width=\"{paid}\" height=\"{BAR}\" fill=\"#1a4fa0\"/>"
            ));
        }
        if reserved > 0 {
            svg.push_str(&format!(
                "<rect x=\"{}\" y=\"{y}\" width=\"{reserved}\" height=\"{BAR}\" fill=\"#7fa3d9\"/>",
                LABEL + paid
            ));
        }
    }
    let y = height - 14;
    for (n, (text, fill)) in [
        (legend.0, "#1a4fa0"),
        (legend.1, "#7fa3d9"),
        (legend.2, "#dfe7f2"),
    ]
    .iter()
    .enumerate()
    {
        let x = LABEL + 130 * u32::try_from(n).unwrap_or(0);
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{fill}\"/><text x=\"{}\" y=\"{y}\" font-size=\"12\">{}</text>",
            y - 10,
            x + 16,
            escape(text)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, a: i64, r: i64, p: i64) -> Bar {
        Bar {
            label: label.into(),
            appropriated: Money::yuan(a),
            reserved: Money::yuan(r),
            paid: Money::yuan(p),
        }
    }

    #[test]
    fn bars_are_proportional_and_text_is_escaped() {
        let svg = budget_chart(
            &[bar("区财政 <2025> & \"x\"", 1000, 250, 500)],
            "预算<使用>",
            ("已拨付", "已预留", "剩余"),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("区财政 &lt;2025&gt; &amp; &quot;x&quot;"));
        assert!(!svg.contains("<2025>"));
        assert!(svg.contains("<title>预算&lt;使用&gt;</title>"));
        // 430 px of scale: paid half, reserved a quarter.
        assert!(
            svg.contains("width=\"215\" height=\"18\" fill=\"#1a4fa0\""),
            "{svg}"
        );
        assert!(svg.contains("x=\"415\" y=\"8\" width=\"108\""), "{svg}");
    }

    #[test]
    fn empty_or_overdrawn_budgets_draw_within_the_bar() {
        let svg = budget_chart(
            &[bar("零", 0, 10, 10), bar("超", 100, 80, 90)],
            "t",
            ("a", "b", "c"),
        );
        assert!(!svg.contains("fill=\"#1a4fa0\"/><rect x=\"200\" y=\"8\""));
        // The overdrawn bar: paid 90 % (387 px), reserved what is left of the scale.
        assert!(svg.contains("width=\"387\""), "{svg}");
        assert!(svg.contains("width=\"43\""), "{svg}");
        assert_eq!(escape("a\u{7}b"), "ab");
    }
}
