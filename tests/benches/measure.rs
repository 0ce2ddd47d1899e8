//! Criterion measurements that also hand their figure back, so a bench can print a ratio
//! between two of them (size or position independence), which criterion's report cannot.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, SamplingMode};
use std::time::{Duration, Instant};

/// Benchmarks `routine` under `id` and returns its median time per call in microseconds
/// (over every batch criterion ran, warm-up included: batches are many, so the median holds).
pub fn median_us(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    mut routine: impl FnMut(),
) -> f64 {
    median_us_timed(group, id, || {
        let start = Instant::now();
        routine();
        start.elapsed()
    })
}

/// [`median_us`] for a routine that times its own part, leaving its set-up out.
pub fn median_us_timed(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    mut routine: impl FnMut() -> Duration,
) -> f64 {
    let mut per_call = Vec::new();
    group.bench_function(id, |b| {
        b.iter_custom(|iters| {
            let took: Duration = (0..iters).map(|_| routine()).sum();
            per_call.push(took.as_secs_f64() * 1e6 / iters.max(1) as f64);
            took
        })
    });
    median(&mut per_call)
}

/// For a slow routine (a good part of a second) that times itself, leaving set-up and
/// tear-down out: ten equal samples over about `measurement` (this sets the whole group).
pub fn timed_by_routine(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    measurement: Duration,
    mut routine: impl FnMut() -> Duration,
) {
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(measurement);
    group.bench_function(id, |b| {
        b.iter_custom(|iters| (0..iters).map(|_| routine()).sum())
    });
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}
