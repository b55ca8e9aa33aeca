//! Charts drawn on the server as SVG text (no script, no front-end build): line
//! charts of counts over time and grouped bars of amounts. Geometry is integer
//! arithmetic on whole units (counts, fen). Every text is escaped; each chart has a
//! `<title>` and is `role="img"`, and the page shows the same numbers in a table
//! beside it for screen readers.

use std::fmt::Write as _;

/// One named series of values, one per label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
}

const WIDTH: i64 = 640;
const HEIGHT: i64 = 260;
const LEFT: i64 = 64;
const RIGHT: i64 = 16;
const TOP: i64 = 16;
const BOTTOM: i64 = 64;
/// Colours with at least 3:1 contrast against white (WCAG non-text contrast).
const PALETTE: [&str; 6] = [
    "#1f5fa8", "#b3471d", "#2e7d32", "#6a3d9a", "#8a6d00", "#c2185b",
];

/// Escapes text for SVG/XML.
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

/// A value as an axis label: `unit_fen` divides fen into yuan (with 万 above
/// 10,000 yuan); counts are shown as they are.
fn axis_label(value: i64, unit_fen: bool) -> String {
    if !unit_fen {
        return value.to_string();
    }
    let yuan = value / 100;
    if yuan.abs() >= 10_000 {
        format!("{}万", yuan / 10_000)
    } else {
        yuan.to_string()
    }
}

/// The top of the value axis: the largest value rounded up to a round number.
fn axis_top(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let mut step = 1;
    while step * 10 < max {
        step *= 10;
    }
    (max + step - 1) / step * step
}

fn frame(out: &mut String, title: &str, id: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title"><title id="{id}-title">{}</title>"#,
        escape(title)
    );
}

fn axes(out: &mut String, labels: &[String], top: i64, unit_fen: bool) {
    let bottom = HEIGHT - BOTTOM;
    let _ = write!(
        out,
        r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#555"/><line x1="{LEFT}" y1="{bottom}" x2="{}" y2="{bottom}" stroke="#555"/>"##,
        WIDTH - RIGHT
    );
    for (value, y) in [(top, TOP), (top / 2, (TOP + bottom) / 2), (0, bottom)] {
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#333">{}</text>"##,
            LEFT - 6,
            y + 4,
            escape(&axis_label(value, unit_fen))
        );
    }
    let n = i64::try_from(labels.len()).unwrap_or(1).max(1);
    let band = (WIDTH - LEFT - RIGHT) / n;
    // At most 12 labels on the axis, evenly spread.
    let every = usize::try_from((n + 11) / 12).unwrap_or(1).max(1);
    for (i, label) in labels.iter().enumerate().step_by(every) {
        let x = LEFT + band * i64::try_from(i).unwrap_or(0) + band / 2;
        let _ = write!(
            out,
            r##"<text x="{x}" y="{}" text-anchor="middle" font-size="11" fill="#333">{}</text>"##,
            bottom + 16,
            escape(label)
        );
    }
}

fn legend(out: &mut String, series: &[Series]) {
    for (i, s) in series.iter().enumerate() {
        let x = LEFT + i64::try_from(i % 3).unwrap_or(0) * 190;
        let y = HEIGHT - 28 + i64::try_from(i / 3).unwrap_or(0) * 14;
        let colour = PALETTE[i % PALETTE.len()];
        let _ = write!(
            out,
            r##"<rect x="{x}" y="{}" width="10" height="10" fill="{colour}"/><text x="{}" y="{}" font-size="11" fill="#333">{}</text>"##,
            y - 9,
            x + 14,
            y,
            escape(&s.name)
        );
    }
}

fn y_of(value: i64, top: i64) -> i64 {
    let bottom = HEIGHT - BOTTOM;
    bottom - (value.max(0) * (bottom - TOP)) / top.max(1)
}

/// A line chart: one line per series over `labels` (e.g. months).
pub fn lines(id: &str, title: &str, labels: &[String], series: &[Series]) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let top = axis_top(max);
    let mut out = String::new();
    frame(&mut out, title, id);
    axes(&mut out, labels, top, false);
    let n = i64::try_from(labels.len()).unwrap_or(1).max(1);
    let band = (WIDTH - LEFT - RIGHT) / n;
    for (i, s) in series.iter().enumerate() {
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(j, v)| {
                let x = LEFT + band * i64::try_from(j).unwrap_or(0) + band / 2;
                format!("{x},{}", y_of(*v, top))
            })
            .collect();
        let _ = write!(
            out,
            r#"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>"#,
            PALETTE[i % PALETTE.len()],
            points.join(" ")
        );
    }
    legend(&mut out, series);
    out.push_str("</svg>");
    out
}

/// Grouped bars: for each label, one bar per series; values in fen.
pub fn bars(id: &str, title: &str, labels: &[String], series: &[Series]) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let top = axis_top(max);
    let mut out = String::new();
    frame(&mut out, title, id);
    axes(&mut out, labels, top, true);
    let n = i64::try_from(labels.len()).unwrap_or(1).max(1);
    let band = (WIDTH - LEFT - RIGHT) / n;
    let k = i64::try_from(series.len()).unwrap_or(1).max(1);
    let bar = ((band - 8) / k).max(1);
    let bottom = HEIGHT - BOTTOM;
    for (i, s) in series.iter().enumerate() {
        for (j, v) in s.values.iter().enumerate() {
            let x = LEFT
                + band * i64::try_from(j).unwrap_or(0)
                + 4
                + bar * i64::try_from(i).unwrap_or(0);
            let y = y_of(*v, top);
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="{bar}" height="{}" fill="{}"/>"#,
                bottom - y,
                PALETTE[i % PALETTE.len()]
            );
        }
    }
    legend(&mut out, series);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize) -> Vec<String> {
        (1..=n).map(|m| format!("2026-{m:02}")).collect()
    }

    #[test]
    fn names_are_escaped_and_the_chart_has_a_title() {
        let svg = lines(
            "t",
            "在孵企业 <数>",
            &labels(2),
            &[Series {
                name: "辛安街道\"><script>".into(),
                values: vec![1, 2],
            }],
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<title id=\"t-title\">在孵企业 &lt;数&gt;</title>"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("辛安街道&quot;&gt;&lt;script&gt;"));
    }

    #[test]
    fn a_line_runs_from_the_bottom_to_the_top_of_its_axis() {
        let svg = lines(
            "t",
            "x",
            &labels(2),
            &[Series {
                name: "a".into(),
                values: vec![0, 100],
            }],
        );
        // 0 sits on the axis (y = 196), 100 (the axis top) at the top (y = 16).
        let band = (WIDTH - LEFT - RIGHT) / 2;
        let first = LEFT + band / 2;
        let second = LEFT + band + band / 2;
        assert!(
            svg.contains(&format!("points=\"{first},196 {second},16\"")),
            "{svg}"
        );
    }

    #[test]
    fn bars_scale_to_a_round_top_and_show_yuan_in_wan() {
        let svg = bars(
            "b",
            "x",
            &labels(1),
            &[Series {
                name: "district".into(),
                values: vec![123_456_700],
            }],
        );
        // 1,234,567 yuan → the axis top is 2,000,000 yuan, shown as 200万.
        assert!(svg.contains(">200万<"), "{svg}");
        assert_eq!(axis_top(0), 1);
        assert_eq!(axis_top(7), 7);
        assert_eq!(axis_top(31), 40);
    }
}
