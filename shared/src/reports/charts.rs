//! Charts drawn on the server as SVG: no script, no chart library to keep up to date, readable
//! without JavaScript and printable. Every bar carries a `<title>` with its exact figure (a
//! tooltip, and what a screen reader says); labels are escaped.

use std::fmt::Write;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const BLUE: &str = "#3370ff";
const GREEN: &str = "#2ea121";
const GREY: &str = "#8f959e";

/// Two series of columns per day (opened, resolved), with a legend.
pub fn daily(title: &str, series: [(&str, &[i64]); 2]) -> String {
    let days = series[0].1.len().max(1);
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let (w, h, left, bottom, top) = (640.0, 200.0, 28.0, 22.0, 26.0);
    let plot_h = h - bottom - top;
    let slot = (w - left) / days as f64;
    let bar = (slot / 2.0 - 1.0).max(1.0);
    let mut svg = format!(
        r##"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><title>{t}</title>"##,
        t = esc(title)
    );
    // Legend.
    for (i, (name, _)) in series.iter().enumerate() {
        let x = left + i as f64 * 120.0;
        let colour = [BLUE, GREEN][i];
        let _ = write!(
            svg,
            r##"<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/><text x="{}" y="13" font-size="11">{}</text>"##,
            x + 14.0,
            esc(name)
        );
    }
    // The scale: zero and the highest day.
    let _ = write!(
        svg,
        r##"<text x="0" y="{}" font-size="10" fill="{GREY}">{max}</text><text x="0" y="{}" font-size="10" fill="{GREY}">0</text><line x1="{left}" y1="{}" x2="{w}" y2="{}" stroke="#dee0e3"/>"##,
        top + 8.0,
        h - bottom,
        h - bottom,
        h - bottom
    );
    for d in 0..days {
        let x0 = left + d as f64 * slot;
        for (i, (name, values)) in series.iter().enumerate() {
            let v = values.get(d).copied().unwrap_or(0);
            let bh = plot_h * v as f64 / max as f64;
            let _ = write!(
                svg,
                r##"<rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="{bh:.1}" fill="{}"><title>{} {}: {v}</title></rect>"##,
                x0 + i as f64 * (bar + 1.0),
                h - bottom - bh,
                [BLUE, GREEN][i],
                d + 1,
                esc(name)
            );
        }
        if d == 0 || (d + 1) % 5 == 0 {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{}" font-size="10" fill="{GREY}">{}</text>"##,
                x0,
                h - 6.0,
                d + 1
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// One bar per row, its length `value / max`, its figure written beside it.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

pub fn bars(title: &str, rows: &[Bar], max: f64) -> String {
    let max = if max > 0.0 { max } else { 1.0 };
    let (w, row_h, label_w) = (640.0, 26.0, 170.0);
    let h = row_h * rows.len().max(1) as f64 + 4.0;
    let track = w - label_w - 110.0;
    let mut svg = format!(
        r##"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"><title>{t}</title>"##,
        t = esc(title)
    );
    for (i, row) in rows.iter().enumerate() {
        let y = 4.0 + i as f64 * row_h;
        let len = (track * (row.value / max).clamp(0.0, 1.0)).max(if row.value > 0.0 {
            2.0
        } else {
            0.0
        });
        let _ = write!(
            svg,
            r##"<text x="0" y="{:.1}" font-size="12">{}</text><rect x="{label_w}" y="{y:.1}" width="{track:.1}" height="16" rx="3" fill="#eff0f1"/><rect x="{label_w}" y="{y:.1}" width="{len:.1}" height="16" rx="3" fill="{BLUE}"><title>{}: {}</title></rect><text x="{:.1}" y="{:.1}" font-size="12">{}</text>"##,
            y + 12.5,
            esc(&row.label),
            esc(&row.label),
            esc(&row.text),
            label_w + track + 8.0,
            y + 12.5,
            esc(&row.text)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_every_bar_says_its_figure() {
        let svg = bars(
            "<script>",
            &[Bar {
                label: "A & <b>".into(),
                value: 3.0,
                text: "3".into(),
            }],
            6.0,
        );
        assert!(!svg.contains("<script>") && !svg.contains("<b>"), "{svg}");
        assert!(svg.contains("A &amp; &lt;b&gt;: 3"), "{svg}");
        let d = daily("t", [("Opened", &[1, 0, 4]), ("Resolved", &[0, 2, 1])]);
        assert_eq!(d.matches("<rect").count(), 2 + 6, "{d}");
        assert!(d.contains("<title>3 Opened: 4</title>"), "{d}");
    }
}
