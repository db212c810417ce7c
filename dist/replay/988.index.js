export const id = 988;
export const ids = [988];
export const modules = {

/***/ 988:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   replayPaired: () => (/* binding */ replayPaired)
/* harmony export */ });
/* unused harmony exports PAIRED_CLIP, PAIRED_MAX_BET, BettingEProcess, PairedJudge, createPairedJudge */
/** Differences are clipped at this many scales before betting. */
const PAIRED_CLIP = 3;
/** Largest bet: keeps 1 + λz ≥ 1/2, so one interval never halves the wealth more than once. */
const PAIRED_MAX_BET = 0.5;
/** Prior variance of z (WSR's 1/4) and prior mean (0), one pseudo-observation each. */
const PRIOR_VARIANCE = 0.25;
/** A one-sided betting e-process on values in [-1, 1]: wealth grows when their mean is positive. */
class BettingEProcess {
    alpha;
    wealthValue = 1;
    count = 0;
    sum = 0;
    squares = PRIOR_VARIANCE;
    constructor(alpha) {
        this.alpha = alpha;
    }
    get wealth() {
        return this.wealthValue;
    }
    /** The bet for the next value, from the values before it only (predictable). */
    nextBet() {
        const t = this.count + 1;
        const variance = this.squares / t;
        return Math.min(PAIRED_MAX_BET, Math.sqrt((2 * Math.log(1 / this.alpha)) / (variance * t * Math.log(1 + t))));
    }
    update(z) {
        const x = Math.max(-1, Math.min(1, z));
        const lambda = this.nextBet();
        this.wealthValue *= 1 + lambda * x;
        const mean = this.sum / (this.count + 1); // the predictable mean estimate, prior 0
        this.squares += (x - mean) ** 2;
        this.sum += x;
        this.count++;
        return this.wealthValue;
    }
}
/** The paired judge: the same `look(interval)` contract as the main judge, for mirror steps. */
class PairedJudge {
    config;
    metrics;
    lookCount = 0;
    decided;
    constructor(config) {
        this.config = config;
        const weights = config.metrics.map((m) => m.weight ?? (m.critical ? 2 : 1));
        const total = weights.reduce((a, b) => a + b, 0) || 1;
        const beta = config.beta ?? config.alpha;
        this.metrics = config.metrics.map((m, i) => {
            const share = weights[i] / total;
            const direction = m.type === 'value' ? 'increase' : (m.direction ?? 'increase');
            const signs = direction === 'either' ? [1, -1] : direction === 'decrease' ? [-1] : [1];
            const sides = signs.map((sign) => ({
                sign,
                fail: new BettingEProcess((share * config.alpha) / signs.length),
                pass: new BettingEProcess((share * beta) / signs.length),
                maxFail: 1,
                maxPass: 1,
                standardized: [],
                raw: [],
            }));
            return { config: m, share, sides, state: 'nodata', used: 0, shadow: { events: 0, total: 0 }, stable: { events: 0, total: 0 }, shadowFigure: 0, stableFigure: 0, violations: 0 };
        });
    }
    get looks() {
        return this.lookCount;
    }
    look(interval) {
        const index = this.lookCount++;
        if (this.decided)
            return { ...this.decided, interval: index };
        for (const metric of this.metrics)
            this.observe(metric, interval.canary[metric.config.name], interval.baseline[metric.config.name], index);
        const looks = this.metrics.map((m) => this.metricLook(m));
        const failed = this.metrics.find((m) => m.state === 'fail');
        const judged = this.metrics.filter((m) => m.config.type !== 'value');
        const passed = judged.length > 0 && judged.every((m) => m.state === 'pass') && this.metrics.every((m) => m.state !== 'fail');
        const max = this.config.maxIntervals;
        let decision = 'continue';
        let reason;
        let deciding = null;
        if (failed) {
            decision = 'fail';
            deciding = failed.config.name;
            reason = `${failed.config.name}: the shadow is proven worse than stable on the same requests (paired, ${describeEvidence(failed, 'fail')})`;
        }
        else if (passed) {
            decision = 'pass';
            deciding = judged.at(-1)?.config.name ?? null;
            reason = `every metric of the shadow is proven no worse than stable beyond its tolerance on the same requests (paired)`;
        }
        else if (max !== undefined && index + 1 >= max) {
            decision = 'inconclusive';
            reason = `no decision after ${index + 1} paired looks: ${this.metrics.map((m) => `${m.config.name} ${m.state}`).join(', ')}`;
        }
        else {
            reason = `paired look ${index + 1}: ${this.metrics.map((m) => `${m.config.name} ${m.state}`).join(', ')}`;
        }
        const action = decision === 'pass' ? 'promote' : decision === 'fail' ? 'rollback' : decision === 'inconclusive' ? (this.config.onInconclusive ?? 'hold') : 'continue';
        const evidence = Math.max(...this.metrics.map((m) => Math.max(...m.sides.map((s) => s.fail.wealth * m.share))), 0);
        const result = { interval: index, decision, action, decidingMetric: deciding, reason, eValue: evidence, threshold: 1 / this.config.alpha, metrics: looks };
        if (decision !== 'continue')
            this.decided = result;
        return result;
    }
    observe(metric, shadow, stable, index) {
        const config = metric.config;
        if (config.type === 'value') {
            if (!shadow || !('value' in shadow))
                return;
            metric.used++;
            metric.shadowFigure += shadow.value;
            if ((config.max !== undefined && shadow.value > config.max) || (config.min !== undefined && shadow.value < config.min))
                metric.violations++;
            if (metric.violations > (config.failureLimit ?? 0))
                this.settle(metric, 'fail', index);
            else if (metric.state === 'nodata')
                metric.state = 'pass';
            return;
        }
        const figures = config.type === 'ratio' ? ratioFigures(shadow, stable) : samplesFigures(shadow, stable, config.quantile);
        if (!figures)
            return;
        metric.used++;
        metric.shadowFigure += figures.shadow;
        metric.stableFigure += figures.stable;
        if (figures.counts) {
            metric.shadow.events += figures.counts.shadow.events;
            metric.shadow.total += figures.counts.shadow.total;
            metric.stable.events += figures.counts.stable.events;
            metric.stable.total += figures.counts.stable.total;
        }
        else {
            metric.shadow.total += figures.sizes?.shadow ?? 0;
            metric.stable.total += figures.sizes?.stable ?? 0;
        }
        if (metric.state === 'nodata')
            metric.state = 'continue';
        const tolerance = config.tolerance ?? 0;
        for (const side of metric.sides) {
            const { difference, scale } = config.type === 'ratio'
                ? ratioDifference(figures, side.sign, tolerance, metric, side)
                : samplesDifference(figures, side.sign, tolerance, side);
            side.raw.push(difference);
            if (scale === undefined || !(scale > 0))
                continue;
            const u = difference / scale;
            side.standardized.push(u);
            const z = Math.max(-1, Math.min(1, u / PAIRED_CLIP));
            side.maxFail = Math.max(side.maxFail, side.fail.update(z));
            side.maxPass = Math.max(side.maxPass, side.pass.update(-z));
        }
        if (metric.state === 'fail' || metric.state === 'pass')
            return;
        const failThreshold = (n) => n / (metric.share * this.config.alpha);
        const passThreshold = (n) => n / (metric.share * (this.config.beta ?? this.config.alpha));
        const n = metric.sides.length;
        if (metric.sides.some((s) => s.fail.wealth >= failThreshold(n)))
            this.settle(metric, 'fail', index);
        else if (metric.sides.every((s) => s.pass.wealth >= passThreshold(n)))
            this.settle(metric, 'pass', index);
    }
    settle(metric, state, index) {
        metric.state = state;
        metric.decidedAt = index;
    }
    metricLook(metric) {
        const n = metric.sides.length;
        const failE = Math.max(...metric.sides.map((s) => s.fail.wealth));
        const passE = Math.min(...metric.sides.map((s) => s.pass.wealth));
        const maxFail = Math.max(...metric.sides.map((s) => s.maxFail));
        const estimate = metric.used > 0 && metric.stableFigure > 0 && metric.config.type !== 'value' ? metric.shadowFigure / metric.stableFigure - 1 : null;
        const look = {
            name: metric.config.name,
            type: metric.config.type,
            state: metric.state,
            estimate,
            lower: null,
            upper: null,
            eValue: failE,
            threshold: n / (metric.share * this.config.alpha),
            pValue: Math.min(1, 1 / maxFail),
            passEValue: passE,
            passThreshold: n / (metric.share * (this.config.beta ?? this.config.alpha)),
            canary: metric.config.type === 'ratio' ? { events: metric.shadow.events, total: metric.shadow.total } : { total: metric.config.type === 'value' ? metric.used : metric.shadow.total },
            baseline: metric.config.type === 'ratio' ? { events: metric.stable.events, total: metric.stable.total } : { total: metric.stable.total },
            reason: metricReason(metric, failE, passE),
        };
        if (metric.decidedAt !== undefined)
            look.decidedAt = metric.decidedAt;
        return look;
    }
}
function createPairedJudge(config) {
    return new PairedJudge(config);
}
/**
 * `rollgate replay` of a paired file (`mode: paired`, docs/replay.md): every interval through a fresh
 * paired judge, the first decisive look deciding, with the split replay's conventions (the maximum
 * duration defaults to the recording's length; a recording that ends undecided is inconclusive).
 */
function replayPaired(config, intervals) {
    const maxIntervals = config.maxIntervals ?? intervals.length;
    const judge = new PairedJudge({ ...config, maxIntervals });
    const looks = intervals.map((interval) => judge.look(interval));
    const decided = looks.find((l) => l.decision !== 'continue');
    if (decided === undefined) {
        const last = looks.at(-1);
        return {
            decision: 'inconclusive',
            decidedAt: null,
            action: config.onInconclusive ?? 'hold',
            decidingMetric: last?.decidingMetric ?? null,
            reason: last ? `the recording ended before the maximum duration (${maxIntervals} intervals) without a decision: ${last.reason}` : 'no intervals recorded',
            looks,
        };
    }
    const decision = decided.decision;
    return { decision, decidedAt: decision === 'inconclusive' ? null : decided.interval, action: decided.action, decidingMetric: decided.decidingMetric, reason: decided.reason, looks };
}
function ratioFigures(shadow, stable) {
    if (!shadow || !stable || !('events' in shadow) || !('events' in stable))
        return undefined;
    if (!(shadow.total > 0) || !(stable.total > 0))
        return undefined;
    return {
        shadow: shadow.events / shadow.total,
        stable: stable.events / stable.total,
        counts: { shadow: { events: shadow.events, total: shadow.total }, stable: { events: stable.events, total: stable.total } },
    };
}
/**
 * Ratio: d = sign × (shadow rate − (1 + sign × tolerance) × stable rate). Scale: the binomial
 * spread of that difference at the pooled rate of the earlier intervals (Jeffreys: +½ event, +1
 * request) for this interval's request counts, times the dispersion the earlier standardized
 * differences showed (their sample variance, at least 1).
 */
function ratioDifference(figures, sign, tolerance, metric, side) {
    const counts = figures.counts;
    const k = 1 + sign * tolerance;
    const difference = sign * (figures.shadow - k * figures.stable);
    // The pooled rate from the intervals before this one (metric totals already include this one).
    const events = metric.shadow.events + metric.stable.events - counts.shadow.events - counts.stable.events;
    const total = metric.shadow.total + metric.stable.total - counts.shadow.total - counts.stable.total;
    const rate = (events + 0.5) / (total + 1);
    const base = Math.sqrt(Math.max(rate * (1 - rate), 1e-12) * (1 / counts.shadow.total + (k * k) / counts.stable.total));
    return { difference, scale: base * dispersion(side.standardized) };
}
/** Samples: d = sign × (log q_shadow − log q_stable) − log(1 + tolerance); scale: the spread of earlier differences. */
function samplesDifference(figures, sign, tolerance, side) {
    const floor = 1e-12;
    const difference = sign * (Math.log(Math.max(figures.shadow, floor)) - Math.log(Math.max(figures.stable, floor))) - Math.log(1 + tolerance);
    if (side.raw.length < 2)
        return { difference, scale: undefined };
    const mean = side.raw.reduce((a, b) => a + b, 0) / side.raw.length;
    const variance = side.raw.reduce((a, b) => a + (b - mean) ** 2, 0) / (side.raw.length - 1);
    return { difference, scale: Math.sqrt(variance) };
}
function dispersion(standardized) {
    if (standardized.length < 2)
        return 1;
    const mean = standardized.reduce((a, b) => a + b, 0) / standardized.length;
    const variance = standardized.reduce((a, b) => a + (b - mean) ** 2, 0) / (standardized.length - 1);
    return Math.sqrt(Math.max(1, variance));
}
function samplesFigures(shadow, stable, quantile) {
    const level = typeof quantile === 'number' ? quantile : 0.5;
    const a = quantileOf(shadow, level);
    const b = quantileOf(stable, level);
    if (!a || !b)
        return undefined;
    return { shadow: a.value, stable: b.value, sizes: { shadow: a.size, stable: b.size } };
}
function quantileOf(observation, level) {
    if (!observation)
        return undefined;
    if ('values' in observation) {
        const sorted = observation.values.filter(Number.isFinite).sort((x, y) => x - y);
        if (sorted.length === 0)
            return undefined;
        const position = level * (sorted.length - 1);
        const lo = Math.floor(position);
        const hi = Math.ceil(position);
        const value = sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
        return { value, size: sorted.length };
    }
    if ('buckets' in observation)
        return bucketQuantile(observation.buckets, level);
    return undefined;
}
/** Linear interpolation inside the bucket holding the quantile (Prometheus' histogram_quantile). */
function bucketQuantile(buckets, level) {
    const sorted = [...buckets].sort((a, b) => a.le - b.le);
    const total = sorted.at(-1)?.count ?? 0;
    if (!(total > 0))
        return undefined;
    const rank = level * total;
    let lowerBound = 0;
    let lowerCount = 0;
    for (const bucket of sorted) {
        if (bucket.count >= rank) {
            if (!Number.isFinite(bucket.le))
                return { value: lowerBound, size: total };
            const inBucket = bucket.count - lowerCount;
            const fraction = inBucket > 0 ? (rank - lowerCount) / inBucket : 0;
            return { value: lowerBound + (bucket.le - lowerBound) * fraction, size: total };
        }
        lowerBound = bucket.le;
        lowerCount = bucket.count;
    }
    return { value: lowerBound, size: total };
}
function metricReason(metric, failE, passE) {
    const paired = `paired over ${metric.used} interval${metric.used === 1 ? '' : 's'}`;
    switch (metric.state) {
        case 'nodata':
            return 'no interval with data on both the shadow and stable yet';
        case 'fail':
            return metric.config.type === 'value' ? `out of bounds in ${metric.violations} intervals` : `the shadow is proven worse than stable beyond the tolerance (${paired}, evidence ${failE.toFixed(1)})`;
        case 'pass':
            return metric.config.type === 'value' ? 'within bounds' : `the shadow is proven no worse than stable beyond the tolerance (${paired})`;
        default:
            return `not decided (${paired}; evidence of worse ${failE.toFixed(2)}, of no worse ${passE.toFixed(2)})`;
    }
}
function describeEvidence(metric, kind) {
    const wealth = Math.max(...metric.sides.map((s) => s[kind].wealth));
    return `evidence ${wealth.toFixed(1)} over ${metric.used} intervals`;
}


/***/ })

};
