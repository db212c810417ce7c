export const id = 306;
export const ids = [306];
export const modules = {

/***/ 306:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runExperimentReplay: () => (/* binding */ runExperimentReplay)
});

// UNUSED EXPORTS: experimentReplayJson, experimentReplayTable

// EXTERNAL MODULE: ./shared/analysis/judge.ts + 8 modules
var judge = __webpack_require__(144);
// EXTERNAL MODULE: ./shared/analysis/evidence.ts
var evidence = __webpack_require__(700);
// EXTERNAL MODULE: ./shared/analysis/stats.ts
var stats = __webpack_require__(66);
;// CONCATENATED MODULE: ./shared/analysis/experiment/sequence.ts
/**
 * The experiment's statistics: an always-valid confidence sequence for the relative lift of one
 * variant over control, and a sequential sample-ratio-mismatch test. Pure numbers, no I/O.
 *
 * Lift. The estimate is θ̂ = log(mean_variant / mean_control) on all data so far (conversion rate
 * for `ratio`, mean value for `samples`), with its delta-method variance s². Its information
 * V = 1/s² is the "intrinsic time" of a Gaussian martingale S = V(θ̂ − θ). Robbins' normal mixture
 * (a N(0, 1/ρ) mixture of exponential supermartingales) gives
 *
 *   M = sqrt(ρ/(V+ρ)) · exp(S² / (2(V+ρ))),   P(∃t: M_t ≥ 1/α) ≤ α   (Ville's inequality),
 *
 * so θ ∈ θ̂ ± sqrt((V+ρ)(log((V+ρ)/ρ) + 2 log(1/α))) / V at every look simultaneously: the two-sided
 * normal-mixture boundary of Howard, Ramdas, McAuliffe & Sekhon, *Time-uniform, nonparametric,
 * nonasymptotic confidence sequences* (Annals of Statistics 2021, §3 and eq. (14)). With the
 * variance estimated from the data this is the asymptotic confidence sequence of Waudby-Smith,
 * Arbour, Sinha, Kennedy & Ramdas, *Time-uniform central limit theory and asymptotic confidence
 * sequences* (Annals of Statistics 2024): coverage holds in the limit of many events, which the
 * Monte-Carlo tests and bench/judge/experiments.ts check at the traffic experiments see.
 *
 * ρ is fixed before any data, from the policy alone (predictable): it makes the boundary tightest
 * at the information a fixed-horizon test would need to detect the minimum detectable effect with
 * 80% power (Howard et al. 2021, eq. (3.5): ρ = V* / (2 log(1/α) + log(1 + 2 log(1/α)))).
 *
 * Sample-ratio mismatch. Sessions per variant against the configured split: a Dirichlet-multinomial
 * Bayes factor against the multinomial with the configured weights, which is an e-process under the
 * null (Lindon & Malek, *Anytime-valid inference for multinomial count data*, NeurIPS 2022). A split
 * that does not match says the assignment or the logging is broken, so no verdict is trusted.
 */

const emptyTotals = () => ({ sum: 0, sumSquares: 0, count: 0 });
function logMean(type, arm) {
    if (arm.count <= 0)
        return null;
    const mean = arm.sum / arm.count;
    if (!(mean > 0))
        return null;
    if (type === 'ratio') {
        // Binomial when events ≤ total (conversions out of sessions), Poisson otherwise (events per session).
        const p = Math.min(mean, 1);
        const variance = (mean <= 1 ? 1 - p : 1) / arm.sum;
        return { value: Math.log(mean), variance };
    }
    if (arm.count < 2)
        return null;
    const sampleVariance = Math.max(0, (arm.sumSquares - arm.count * mean * mean) / (arm.count - 1));
    if (sampleVariance === 0)
        return null;
    return { value: Math.log(mean), variance: sampleVariance / (arm.count * mean * mean) };
}
function logLift(type, variant, control) {
    const v = logMean(type, variant);
    const c = logMean(type, control);
    if (!v || !c)
        return null;
    return { theta: v.value - c.value, variance: v.variance + c.variance };
}
/** Information (1/variance of θ̂) at which the boundary is tightest: a fixed-horizon design's. */
function plannedInformation(minimumEffect, alpha, power = 0.8) {
    const delta = Math.log1p(minimumEffect);
    const z = (0,stats/* normalQuantile */.Zl)(1 - alpha / 2) + (0,stats/* normalQuantile */.Zl)(power);
    return (z / delta) ** 2;
}
/** Howard et al. (2021), eq. (3.5): the mixture precision ρ that optimises the width at information V*. */
function mixturePrecision(targetInformation, alpha) {
    const l = Math.log(1 / alpha);
    return targetInformation / (2 * l + Math.log(1 + 2 * l));
}
/** Half-width on the θ scale of the two-sided normal-mixture boundary at information V. */
function mixtureRadius(information, rho, alpha) {
    if (!(information > 0))
        return Number.POSITIVE_INFINITY;
    const v = information;
    return Math.sqrt((v + rho) * (Math.log((v + rho) / rho) + 2 * Math.log(1 / alpha))) / v;
}
/** The normal-mixture e-value of "θ = θ₀" at this look (its reciprocal's running minimum is an always-valid p-value). */
function mixtureEValue(estimate, theta0, rho) {
    const v = 1 / estimate.variance;
    const s = v * (estimate.theta - theta0);
    return Math.sqrt(rho / (v + rho)) * Math.exp((s * s) / (2 * (v + rho)));
}
/**
 * A confidence sequence for θ, intersected over looks (the running intersection of a confidence
 * sequence is one too: Howard et al. 2021, §6). `lower`/`upper` are on the θ (log ratio) scale.
 */
class LiftSequence {
    alpha;
    lower = Number.NEGATIVE_INFINITY;
    upper = Number.POSITIVE_INFINITY;
    /** The current look's own radius (before intersection): what the traffic estimate extrapolates. */
    radius = Number.POSITIVE_INFINITY;
    rho;
    /** (log units, log radius) of the first finite look: the start of the shrink-rate estimate. */
    first;
    slope;
    constructor(alpha, minimumEffect) {
        this.alpha = alpha;
        this.rho = mixturePrecision(plannedInformation(minimumEffect, alpha), alpha);
    }
    /** Updates with the cumulative estimate after a look over `units` (sessions or samples, both arms). */
    update(estimate, units) {
        if (!estimate || !(estimate.variance > 0) || !Number.isFinite(estimate.theta))
            return;
        const r = mixtureRadius(1 / estimate.variance, this.rho, this.alpha);
        this.radius = r;
        const lo = estimate.theta - r;
        const hi = estimate.theta + r;
        // An empty intersection would mean the model failed; keep the sequence non-empty around the estimate.
        if (Math.max(this.lower, lo) <= Math.min(this.upper, hi)) {
            this.lower = Math.max(this.lower, lo);
            this.upper = Math.min(this.upper, hi);
        }
        else {
            this.lower = lo;
            this.upper = hi;
        }
        if (units > 0 && Number.isFinite(r)) {
            const point = { logUnits: Math.log(units), logRadius: Math.log(r) };
            if (!this.first)
                this.first = point;
            else if (point.logUnits - this.first.logUnits > Math.log(1.05))
                this.slope = (point.logRadius - this.first.logRadius) / (point.logUnits - this.first.logUnits);
        }
    }
    /**
     * How the radius shrinks with traffic, measured from the looks so far (log radius against log
     * units); −0.5 (the square-root law) until two looks differ by 5% in traffic. Clamped to [−1, −0.2]
     * so a noisy start cannot promise a decision tomorrow or never.
     */
    shrinkRate() {
        const s = this.slope ?? -0.5;
        return Math.min(-0.2, Math.max(-1, Number.isFinite(s) ? s : -0.5));
    }
    /** Extra units (both arms) after which the radius reaches `target`, by the measured shrink rate. */
    unitsToRadius(target, units) {
        if (!(target > 0) || !(units > 0) || !Number.isFinite(this.radius))
            return null;
        if (this.radius <= target)
            return 0;
        const factor = (target / this.radius) ** (1 / this.shrinkRate());
        return Math.ceil(units * (factor - 1));
    }
}
/** Natural log of the gamma function (Lanczos, g = 7, n = 9; relative error < 1e-13 for x > 0). */
function logGamma(x) {
    if (x < 0.5)
        return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
    const z = x - 1;
    let a = c[0];
    const t = z + 7.5;
    for (let i = 1; i < 9; i++)
        a += c[i] / (z + i);
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
/**
 * Lindon & Malek (2022): e-value of "the counts follow the configured split" — the Dirichlet(c·p)
 * mixture over multinomials divided by the multinomial at p. `concentration` c sets which imbalance
 * it is most sensitive to (about 1/sqrt(c) relative); 10,000 notices a split off by a few percent.
 */
function sampleRatioEValue(counts, weights, concentration = 10_000) {
    const total = weights.reduce((a, b) => a + b, 0);
    if (!(total > 0) || counts.length !== weights.length)
        return 1;
    const p = weights.map((w) => w / total);
    const a = p.map((x) => x * concentration);
    const n = counts.reduce((x, y) => x + y, 0);
    if (n === 0)
        return 1;
    let logBf = logGamma(concentration) - logGamma(concentration + n);
    for (let i = 0; i < counts.length; i++) {
        const ni = counts[i];
        const ai = a[i];
        const pi = p[i];
        if (pi === 0) {
            if (ni > 0)
                return Number.POSITIVE_INFINITY;
            continue;
        }
        logBf += logGamma(ai + ni) - logGamma(ai) - ni * Math.log(pi);
    }
    return Math.exp(Math.min(700, logBf));
}

;// CONCATENATED MODULE: ./shared/analysis/experiment/judge.ts
/**
 * The experiment judge: after every interval, on all data so far, a confidence sequence for each
 * variant's lift over control (./sequence.ts), the guardrails judged by the canary judge (each
 * variant against control), a sample-ratio check, and the decision:
 *
 *   winner: <variant>  a variant's sequence excludes 0 on the better side and its guardrails hold
 *                      (`control` when every other variant is proven worse or broke a guardrail);
 *   no-difference      every variant's sequence lies within ±minimumEffect;
 *   inconclusive       the maximum duration passed without either, or the split does not match;
 *   continue           still open, with the traffic a decision would need.
 *
 * Family-wise error: each of the k = variants − 1 comparisons runs at alpha/k (Bonferroni), two-sided,
 * so the probability that any look declares any false winner, false loser or false no-difference is
 * at most alpha. A decision stands once taken. See docs/experiments.md.
 */



/** Adds one interval's primary observation to an arm's totals; histogram buckets count at their midpoints. */
function addObservation(totals, type, observation) {
    if (!observation)
        return false;
    if (type === 'ratio') {
        if (!('events' in observation))
            return false;
        totals.sum += observation.events;
        totals.count += observation.total;
        return true;
    }
    if ('values' in observation) {
        for (const v of observation.values) {
            totals.sum += v;
            totals.sumSquares += v * v;
        }
        totals.count += observation.values.length;
        return true;
    }
    if ('buckets' in observation) {
        addBuckets(totals, observation.buckets);
        return true;
    }
    return false;
}
function addBuckets(totals, buckets) {
    const sorted = [...buckets].sort((a, b) => a.le - b.le);
    const highestFinite = [...sorted].reverse().find((b) => Number.isFinite(b.le))?.le ?? 0;
    let previousLe = 0;
    let previousCount = 0;
    for (const b of sorted) {
        const n = b.count - previousCount;
        if (n > 0) {
            // As histogram_quantile: the first bucket starts at 0, the +Inf bucket sits at the highest finite bound.
            const mid = Number.isFinite(b.le) ? (previousLe + b.le) / 2 : highestFinite;
            totals.sum += n * mid;
            totals.sumSquares += n * mid * mid;
            totals.count += n;
        }
        previousCount = Math.max(previousCount, b.count);
        if (Number.isFinite(b.le))
            previousLe = b.le;
    }
}
const ratioOf = (t) => (t.count > 0 ? t.sum / t.count : null);
const lift = (theta) => Math.expm1(theta);
function validateExperiment(config) {
    if (config.variants.length < 2)
        throw new Error(`an experiment needs two or more variants, found ${config.variants.length}`);
    if (new Set(config.variants).size !== config.variants.length)
        throw new Error('variant names must be unique');
    if (!config.variants.includes(config.control))
        throw new Error(`control '${config.control}' is not one of the variants (${config.variants.join(', ')})`);
    if (!(config.alpha > 0 && config.alpha < 1))
        throw new Error(`alpha must be between 0 and 1, found ${config.alpha}`);
    if (!(config.minimumEffect > 0 && config.minimumEffect < 1))
        throw new Error(`minimumEffect must be between 0 and 1 (a relative lift), found ${config.minimumEffect}`);
}
function createExperimentJudge(config) {
    validateExperiment(config);
    return new SequentialExperimentJudge(config);
}
class SequentialExperimentJudge {
    config;
    looks = 0;
    control = emptyTotals();
    comparisons;
    perComparisonAlpha;
    final;
    unit;
    constructor(config) {
        this.config = config;
        const others = config.variants.filter((v) => v !== config.control);
        this.perComparisonAlpha = config.alpha / others.length;
        const guardrails = config.guardrails && config.guardrails.metrics.length > 0 ? config.guardrails : undefined;
        this.comparisons = others.map((name) => ({
            name,
            totals: emptyTotals(),
            sequence: new LiftSequence(this.perComparisonAlpha, config.minimumEffect),
            // Guardrail false alarms can only block a winner; their own budget is split over the variants too.
            guardrails: guardrails ? (0,judge/* createJudge */.q)({ ...guardrails, alpha: guardrails.alpha / others.length, maxIntervals: Number.MAX_SAFE_INTEGER }, { bounds: true }) : undefined,
        }));
        this.unit = config.primary.type === 'ratio' ? 'sessions' : 'samples';
    }
    look(interval) {
        const index = this.looks++;
        const { primary } = this.config;
        const controlData = interval.variants[this.config.control] ?? {};
        addObservation(this.control, primary.type, controlData[primary.name]);
        const delta = Math.log1p(this.config.minimumEffect);
        const deltaLow = Math.log1p(-this.config.minimumEffect);
        const allUnits = this.control.count + this.comparisons.reduce((s, c) => s + c.totals.count, 0);
        const variants = [];
        for (const c of this.comparisons) {
            const data = interval.variants[c.name] ?? {};
            addObservation(c.totals, primary.type, data[primary.name]);
            const estimate = logLift(primary.type, c.totals, this.control);
            const pairUnits = c.totals.count + this.control.count;
            c.sequence.update(estimate, pairUnits);
            const guardLook = c.guardrails?.look({ canary: data, baseline: controlData });
            const guardrails = (guardLook?.metrics ?? []).map((m) => ({ name: m.name, state: m.state, estimate: m.estimate, lower: m.lower, upper: m.upper, reason: m.reason }));
            const broken = guardLook?.decision === 'fail' || guardrails.some((g) => g.state === 'fail');
            const guardrailsHold = !broken && !guardrails.some((g) => g.state === 'nodata');
            const lo = c.sequence.lower;
            const hi = c.sequence.upper;
            let state;
            if (!estimate && !Number.isFinite(lo))
                state = 'nodata';
            else if (primary.direction === 'increase' ? lo > 0 : hi < 0)
                state = 'better';
            else if (primary.direction === 'increase' ? hi < 0 : lo > 0)
                state = 'worse';
            else if (lo > deltaLow && hi < delta)
                state = 'equivalent';
            else
                state = 'open';
            let needed = null;
            if (state === 'open' && estimate) {
                // The nearer of the two ways to decide: exclude 0 (radius < |θ̂|) or fit within ±MDE (radius < δ − |θ̂|).
                const target = Math.max(Math.abs(estimate.theta), delta - Math.abs(estimate.theta));
                const pairNeeded = c.sequence.unitsToRadius(target, pairUnits);
                needed = pairNeeded === null ? null : Math.ceil((pairNeeded * allUnits) / Math.max(1, pairUnits));
            }
            const look = {
                name: c.name,
                state,
                estimate: estimate ? lift(estimate.theta) : null,
                lower: Number.isFinite(lo) ? lift(lo) : null,
                upper: Number.isFinite(hi) ? lift(hi) : null,
                mean: ratioOf(c.totals),
                controlMean: ratioOf(this.control),
                variant: { ...c.totals },
                control: { ...this.control },
                guardrailsHold,
                guardrails,
                needed,
                reason: '',
            };
            look.reason = variantReason(look, this.config, broken);
            variants.push(look);
        }
        const sampleRatio = this.sampleRatio(interval);
        const last = this.config.maxIntervals !== undefined && index + 1 >= this.config.maxIntervals;
        if (this.final)
            return { ...this.final, interval: index, variants, sampleRatio, needed: null };
        const verdict = decide(variants, this.config, sampleRatio, last);
        const neededAll = verdict.decision === 'continue' || verdict.decision === 'inconclusive' ? maxNeeded(variants) : null;
        const result = { interval: index, ...verdict, variants, sampleRatio, needed: neededAll, unit: this.unit };
        if (verdict.decision !== 'continue')
            this.final = result;
        return result;
    }
    srmCounts = {};
    sampleRatio(interval) {
        const weights = this.config.weights;
        if (!weights)
            return null;
        const names = this.config.variants;
        for (const name of names) {
            const o = interval.variants[name]?.[this.config.primary.name];
            const n = !o ? 0 : 'total' in o ? o.total : 'values' in o ? o.values.length : 'buckets' in o ? Math.max(0, ...o.buckets.map((b) => b.count)) : 0;
            this.srmCounts[name] = (this.srmCounts[name] ?? 0) + n;
        }
        const counts = names.map((n) => this.srmCounts[n] ?? 0);
        const eValue = sampleRatioEValue(counts, names.map((n) => weights[n] ?? 0));
        const threshold = 1 / this.config.alpha;
        return { eValue, threshold, mismatch: eValue >= threshold, counts: Object.fromEntries(names.map((n, i) => [n, counts[i]])) };
    }
}
function maxNeeded(variants) {
    const open = variants.filter((v) => v.state === 'open' || v.state === 'nodata');
    if (open.some((v) => v.needed === null))
        return null;
    return open.length === 0 ? null : Math.max(...open.map((v) => v.needed));
}
function variantReason(v, config, broken) {
    const ci = `${(0,evidence/* formatRelative */.om)(v.estimate)} ${(0,evidence/* formatInterval */.vy)(v.lower, v.upper)}`;
    const failing = v.guardrails.filter((g) => g.state === 'fail').map((g) => g.name);
    const missing = v.guardrails.filter((g) => g.state === 'nodata').map((g) => g.name);
    const guard = broken
        ? `; guardrail${failing.length === 1 ? '' : 's'} ${failing.join(', ') || 'combined evidence'} regressed`
        : missing.length > 0
            ? `; no data for guardrail${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`
            : '';
    const mde = `±${(0,evidence/* formatRelative */.om)(config.minimumEffect).replace(/^\+/, '')}`;
    switch (v.state) {
        case 'nodata':
            return `no ${config.primary.name} data for ${v.name} or control yet`;
        case 'better':
            return `${v.name} is better than control: lift ${ci} excludes 0${guard}`;
        case 'worse':
            return `${v.name} is worse than control: lift ${ci} excludes 0${guard}`;
        case 'equivalent':
            return `${v.name} is within ${mde} of control: lift ${ci}${guard}`;
        case 'open':
            return `${v.name}: lift ${ci} is neither clear of 0 nor within ${mde}${guard}`;
    }
}
function decide(variants, config, sampleRatio, last) {
    if (sampleRatio?.mismatch) {
        const counts = Object.entries(sampleRatio.counts).map(([n, c]) => `${n} ${c}`).join(', ');
        return { decision: 'inconclusive', winner: null, reason: `sample-ratio mismatch: the traffic per variant (${counts}) does not match the configured split (e-value ${sampleRatio.eValue.toPrecision(3)} ≥ ${sampleRatio.threshold}); no verdict can be trusted until assignment is fixed` };
    }
    const better = variants.filter((v) => v.state === 'better' && v.guardrailsHold);
    if (better.length > 0) {
        // Among variants proven better, the one whose bound on the better side is furthest from 0.
        const key = (v) => (config.primary.direction === 'increase' ? (v.lower ?? 0) : -(v.upper ?? 0));
        const best = [...better].sort((a, b) => key(b) - key(a))[0];
        return { decision: 'winner', winner: best.name, reason: best.reason };
    }
    const blocked = (v) => v.state === 'worse' || (!v.guardrailsHold && v.guardrails.some((g) => g.state === 'fail'));
    if (variants.every(blocked)) {
        return {
            decision: 'winner',
            winner: config.control,
            reason: `control wins: ${variants.map((v) => v.reason).join('; ')}`,
        };
    }
    if (variants.every((v) => v.state === 'equivalent')) {
        return { decision: 'no-difference', winner: null, reason: variants.length === 1 ? variants[0].reason : `every variant is within ±${(0,evidence/* formatRelative */.om)(config.minimumEffect).replace(/^\+/, '')} of control: ${variants.map((v) => v.reason).join('; ')}` };
    }
    const open = variants.map((v) => v.reason).join('; ');
    if (last)
        return { decision: 'inconclusive', winner: null, reason: `maximum duration reached without a decision: ${open}` };
    return { decision: 'continue', winner: null, reason: open };
}
/** Runs recorded intervals through a fresh judge; the first decisive look decides (as `rollgate replay` prints it). */
function replayExperiment(config, intervals) {
    const judge = createExperimentJudge(config);
    const looks = intervals.map((iv) => judge.look(iv));
    const decided = looks.find((l) => l.decision !== 'continue');
    const last = looks.at(-1);
    if (!decided) {
        return {
            decision: 'inconclusive',
            winner: null,
            decidedAt: null,
            reason: last ? `the recording ended before a decision: ${last.reason}` : 'no intervals recorded',
            needed: last?.needed ?? null,
            looks,
        };
    }
    return {
        decision: decided.decision,
        winner: decided.winner,
        decidedAt: decided.decision === 'inconclusive' ? null : decided.interval,
        reason: decided.reason,
        needed: decided.needed,
        looks,
    };
}

;// CONCATENATED MODULE: ./shared/analysis/experiment/json.ts
/** Bumped when a field changes meaning or disappears; new fields keep the version. */
const EXPERIMENT_VERDICT_VERSION = 1;
const n = (x) => (x === null || !Number.isFinite(x) ? null : x);
function variantJson(v) {
    return {
        name: v.name,
        state: v.state,
        estimate: n(v.estimate),
        lower: n(v.lower),
        upper: n(v.upper),
        mean: n(v.mean),
        controlMean: n(v.controlMean),
        variant: v.variant,
        control: v.control,
        guardrailsHold: v.guardrailsHold,
        guardrails: v.guardrails.map((g) => ({ ...g, estimate: n(g.estimate), lower: n(g.lower), upper: n(g.upper) })),
        needed: v.needed,
        reason: v.reason,
    };
}
function lookJson(l) {
    return {
        interval: l.interval,
        decision: l.decision,
        winner: l.winner,
        needed: l.needed,
        sampleRatio: l.sampleRatio ? { ...l.sampleRatio, eValue: n(l.sampleRatio.eValue) } : null,
        variants: l.variants.map(variantJson),
    };
}
/** The verdict: decision, winner, lift and confidence sequence per variant at the deciding (else last) look, and every look. */
function experimentVerdict(result, options = {}) {
    const final = result.looks.find((l) => l.interval === result.decidedAt) ?? result.looks.at(-1);
    return {
        experimentVersion: EXPERIMENT_VERDICT_VERSION,
        decision: result.decision,
        winner: result.winner,
        decidedAt: result.decidedAt,
        reason: result.reason,
        needed: result.needed,
        unit: final?.unit ?? null,
        variants: (final?.variants ?? []).map(variantJson),
        ...(options.looks === false ? {} : { looks: result.looks.map(lookJson) }),
    };
}

// EXTERNAL MODULE: ./shared/analysis/experiment/replay-file.ts
var replay_file = __webpack_require__(693);
;// CONCATENATED MODULE: ./cli/replay-experiment.ts
/**
 * `rollgate replay FILE` for a recorded experiment (a replay file with an `experiment` object,
 * docs/experiments.md): one look after every interval, as a live `analyze` with `experiment:` takes.
 */




function experimentReplayJson(result) {
    return JSON.stringify(experimentVerdict(result));
}
function pad(text, width) {
    return text.length >= width ? text : text + ' '.repeat(width - text.length);
}
function cell(v) {
    if (v.state === 'nodata')
        return 'nodata';
    return `${v.state} ${(0,evidence/* formatRelative */.om)(v.estimate)} ${(0,evidence/* formatInterval */.vy)(v.lower, v.upper)}${v.guardrailsHold ? '' : ' guardrail!'}`;
}
/** One row per look, one column per non-control variant, then the verdict and the traffic still needed. */
function experimentReplayTable(result) {
    const names = result.looks[0]?.variants.map((v) => v.name) ?? [];
    const rows = result.looks.map((l) => [String(l.interval), l.decision, l.needed === null ? '—' : String(l.needed), ...l.variants.map(cell)]);
    const header = ['look', 'decision', `needed (${result.looks.at(-1)?.unit ?? 'units'})`, ...names];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (r) => r.map((c, i) => pad(c, widths[i] ?? 0)).join('  ').trimEnd();
    const out = [line(header), ...rows.map(line)];
    const at = result.decidedAt === null ? '' : ` at interval ${result.decidedAt}`;
    out.push('', `Decision: ${result.decision}${result.winner ? ` ${result.winner}` : ''}${at}`, `Why: ${result.reason}`);
    const unit = result.looks.at(-1)?.unit ?? 'units';
    if (result.decision !== 'winner' && result.decision !== 'no-difference' && result.needed !== null)
        out.push(`Needed: about ${result.needed} more ${unit} over all variants for a decision`);
    return `${out.join('\n')}\n`;
}
/** Parses, judges and renders; throws ReplayFormatError on a malformed file. */
function runExperimentReplay(data, json) {
    const input = (0,replay_file/* parseExperimentReplay */.oR)(data);
    const result = replayExperiment(input.config, input.intervals);
    return json ? `${experimentReplayJson(result)}\n` : experimentReplayTable(result);
}


/***/ })

};
