//! The page's charts, drawn by sagac as inline SVG (no script, no network): the score
//! histogram and a stacked bar per criterion. Coordinates are whole pixels or one decimal,
//! written the same way on every machine.

use std::fmt::Write;

use super::escape::html;
use super::summary::{Distribution, Rate};

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 44.0;

/// The histogram: one bar per bin, its count above it, the score below, a light grid.
pub fn histogram(d: &Distribution) -> String {
    let top = d.bins.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let ticks = ticks(top);
    let scale = *ticks.last().unwrap_or(&1) as f64;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / d.bins.len().max(1) as f64;
    let bar_w = (slot * 0.78).max(2.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="histogram" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="histogram-title"><title id="histogram-title">Number of submissions per score, out of {}</title>"#,
        html(&crate::grade::result::points(d.max_score))
    );
    for t in &ticks {
        let y = TOP + plot_h - (*t as f64 / scale) * plot_h;
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="tick" x="{}" y="{:.1}" text-anchor="end">{t}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
    }
    for (i, bin) in d.bins.iter().enumerate() {
        let h = bin.count as f64 / scale * plot_h;
        let x = LEFT + i as f64 * slot + (slot - bar_w) / 2.0;
        let y = TOP + plot_h - h;
        let label = html(&bin.label());
        let full = if bin.last { " full" } else { "" };
        let _ = write!(
            svg,
            r#"<g class="bin{full}" data-score="{label}" data-count="{count}"><title>score {label}: {count} submission{s}</title><rect x="{x:.1}" y="{y:.1}" width="{bar_w:.1}" height="{h:.1}" rx="2"/>"#,
            count = bin.count,
            s = if bin.count == 1 { "" } else { "s" },
        );
        if bin.count > 0 {
            let _ = write!(
                svg,
                r#"<text class="count" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                x + bar_w / 2.0,
                y - 5.0,
                bin.count
            );
        }
        let _ = write!(
            svg,
            r#"<text class="score" x="{:.1}" y="{:.1}" text-anchor="middle">{label}</text></g>"#,
            x + bar_w / 2.0,
            TOP + plot_h + 18.0
        );
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" x2="{}" y1="{y}" y2="{y}"/><text class="axis-label" x="{}" y="{}" text-anchor="middle">score</text></svg>"#,
        WIDTH - RIGHT,
        LEFT + plot_w / 2.0,
        HEIGHT - 6.0,
        y = TOP + plot_h,
    );
    svg
}

/// Grid lines at 1, 2 or 5 times a power of ten, up to at least `top`.
fn ticks(top: usize) -> Vec<usize> {
    let mut step = 1;
    while top / step > 5 {
        step = match step.to_string().as_bytes()[0] {
            b'1' => step * 2,
            b'2' => step / 2 * 5,
            _ => step * 2,
        };
    }
    let last = top.div_ceil(step) * step;
    (0..=last / step).map(|i| i * step).collect()
}

const BAR_W: f64 = 260.0;
const BAR_H: f64 = 18.0;

/// A criterion's results as one stacked bar: passed, partial, failed, left to a human.
pub fn rate_bar(rate: &Rate) -> String {
    let total = rate.total().max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="rate" viewBox="0 0 {BAR_W} {BAR_H}" width="{BAR_W}" height="{BAR_H}" role="img" aria-label="{} passed, {} partial, {} failed, {} for review">"#,
        rate.pass, rate.partial, rate.fail, rate.review
    );
    let mut x = 0.0;
    for (class, count) in [
        ("pass", rate.pass),
        ("partial", rate.partial),
        ("fail", rate.fail),
        ("review", rate.review),
    ] {
        if count == 0 {
            continue;
        }
        let w = count as f64 / total * BAR_W;
        let _ = write!(
            svg,
            r#"<rect class="{class}" data-count="{count}" x="{x:.1}" y="0" width="{w:.1}" height="{BAR_H}"><title>{class}: {count}</title></rect>"#
        );
        x += w;
    }
    if rate.total() == 0 {
        let _ = write!(
            svg,
            r#"<rect class="none" x="0" y="0" width="{BAR_W}" height="{BAR_H}"/>"#
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::ticks;

    #[test]
    fn grid_lines_are_round_numbers() {
        assert_eq!(ticks(1), vec![0, 1]);
        assert_eq!(ticks(5), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(ticks(7), vec![0, 2, 4, 6, 8]);
        assert_eq!(ticks(23), vec![0, 5, 10, 15, 20, 25]);
        assert_eq!(ticks(140), vec![0, 50, 100, 150]);
        assert_eq!(ticks(1000), vec![0, 200, 400, 600, 800, 1000]);
    }
}
