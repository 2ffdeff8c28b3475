//! Ranks with ties: economies whose scores are equal (at the published precision) share a
//! rank, and the next rank skips as many places (competition ranking: 1, 2, 2, 4).

use std::cmp::Ordering;

use super::compute::Score;

/// The score as compared for ranking: rounded to `decimals` when given.
fn key(score: f64, decimals: Option<u32>) -> f64 {
    match decimals {
        Some(d) => {
            let scale = 10f64.powi(d as i32);
            (score * scale).round() / scale
        }
        None => score,
    }
}

/// Sorts `scores` best first (ties by area), unscored last by area, and sets each rank.
pub(super) fn rank(scores: &mut [Score], decimals: Option<u32>) {
    let keyed = |s: &Score| s.score.map(|v| key(v, decimals));
    scores.sort_by(|a, b| match (keyed(a), keyed(b)) {
        (Some(x), Some(y)) => y.total_cmp(&x).then_with(|| a.area.cmp(&b.area)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.area.cmp(&b.area),
    });
    let mut previous: Option<(f64, usize)> = None;
    for (place, score) in scores.iter_mut().enumerate() {
        let Some(k) = keyed(score) else { break };
        let rank = match previous {
            Some((p, r)) if p == k => r,
            _ => place + 1,
        };
        score.rank = Some(rank);
        previous = Some((k, rank));
    }
}
