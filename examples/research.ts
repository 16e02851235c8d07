/**
 * A research run: one branch per source (each a child run searching every
 * region of the scope in parallel) gathers market-size findings that
 * disagree; a reconcile step weighs them into one figure per region and
 * lists the conflicts; a report step writes the result up.
 *
 * The user may change the scope while the run works by sending the signal
 * `scope` (`{ regions: [...] }`). The new scope is picked up between durable
 * calls: regions added are researched in a further round, regions dropped
 * are left out of the reconciliation and the report.
 */
import { defineWorkflow } from "baton";
import { CallLog, type Finding, ResearchSources, researchSources } from "./services.js";

/** The question and its initial scope. */
export interface ResearchInput {
  question: string;
  regions: string[];
}

/** Payload of the `scope` signal. */
export interface ScopeChange {
  regions: string[];
}

/** The reconciled view of one region. */
export interface Consensus {
  region: string;
  /** Weighted estimate, in billions of USD. */
  sizeBn: number;
  /** Lowest and highest estimate of the sources. */
  range: [number, number];
  /** Trend with the most weight behind it. */
  trend: Finding["trend"];
  /** What the sources disagreed on, in words. Empty when they agreed. */
  conflicts: string[];
}

/** What a research run produced. */
export interface ResearchOutput {
  /** Scope the conclusions are about (the latest one). */
  regions: string[];
  /** Scope changes received while the run worked. */
  scopeChanges: number;
  /** Rounds of branches (1, plus one per scope change that added regions). */
  rounds: number;
  consensus: Consensus[];
  report: string;
}

/** The systems a research run uses. */
export interface ResearchServices {
  log: CallLog;
  research: ResearchSources;
}

/** How much each source is trusted when estimates disagree. */
export const sourceWeights: Record<string, number> = { web: 0.5, papers: 0.9, analysts: 1 };

/** Estimates further apart than this ratio are reported as a conflict. */
const conflictRatio = 1.25;

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Weighs the findings of each region in `regions` into one consensus:
 * a weighted mean of the sizes, the trend with the most weight, and the
 * disagreements that were overruled.
 *
 * @example
 * reconcileFindings([{ source: "web", region: "EU", sizeBn: 18.9, trend: "growing" }], ["EU"]);
 */
export function reconcileFindings(findings: Finding[], regions: string[]): Consensus[] {
  return regions.map((region) => {
    const here = findings.filter((f) => f.region === region);
    const weightOf = (f: Finding) => sourceWeights[f.source] ?? 0.5;
    const total = here.reduce((sum, f) => sum + weightOf(f), 0);
    const sizeBn = total === 0 ? 0 : round1(here.reduce((sum, f) => sum + f.sizeBn * weightOf(f), 0) / total);
    const sizes = here.map((f) => f.sizeBn);
    const low = Math.min(...sizes);
    const high = Math.max(...sizes);
    const votes = new Map<Finding["trend"], number>();
    for (const f of here) votes.set(f.trend, (votes.get(f.trend) ?? 0) + weightOf(f));
    const trend = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "flat";
    const conflicts: string[] = [];
    if (here.length > 0 && high / low > conflictRatio) {
      const lowest = here.find((f) => f.sizeBn === low);
      const highest = here.find((f) => f.sizeBn === high);
      conflicts.push(`size: ${highest?.source} says ${high}bn, ${lowest?.source} says ${low}bn`);
    }
    for (const f of here) if (f.trend !== trend) conflicts.push(`trend: ${f.source} says ${f.trend}`);
    return { region, sizeBn, range: [here.length ? low : 0, here.length ? high : 0], trend, conflicts };
  });
}

/** One line of the report about a region. */
export function describeConsensus(c: Consensus): string {
  const disputed = c.conflicts.length ? `; disputed (${c.conflicts.join("; ")})` : "";
  return `${c.region}: ${c.sizeBn}bn (${c.range[0]} to ${c.range[1]}), ${c.trend}${disputed}`;
}

/**
 * Creates the fake research sources, with their own call log.
 *
 * @example
 * const services = createResearchServices({ latencyMs: 500 });
 */
export function createResearchServices(options: { latencyMs?: number; idScope?: string } = {}) {
  const log = new CallLog();
  return {
    log,
    research: new ResearchSources({ log, latencyMs: options.latencyMs, idScope: options.idScope }),
  } satisfies ResearchServices;
}

/**
 * Defines the `research` workflow and its `research-branch` child, bound to
 * `services`. Register both with the engine.
 *
 * @example
 * const { workflows, research } = defineResearchWorkflows(createResearchServices());
 * const run = await engine.startRun(research, { question: "Heat pumps?", regions: ["EU"] });
 * await engine.signal(run.id, "scope", { regions: ["EU", "US"] });
 */
export function defineResearchWorkflows(services: ResearchServices) {
  const sources = services.research;

  const researchBranch = defineWorkflow(
    "research-branch",
    async (ctx, input: { source: string; question: string; regions: string[] }): Promise<Finding[]> =>
      Promise.all(
        input.regions.map((region) =>
          ctx.step(
            `search-${region}`,
            () =>
              sources.search(
                { source: input.source, question: input.question, region },
                { idempotencyKey: ctx.stepKey() },
              ),
            { retry: { maxAttempts: 3, initialInterval: "500ms" } },
          ),
        ),
      ),
  );

  const research = defineWorkflow("research", async (ctx, input: ResearchInput): Promise<ResearchOutput> => {
    let regions = [...input.regions];
    let scopeChanges = 0;
    ctx.onSignal<ScopeChange>("scope", (change) => {
      regions = [...change.regions];
      scopeChanges++;
    });

    // Research until every region of the current scope is covered; a scope
    // change that arrives while a round runs adds another round.
    const findings: Finding[] = [];
    const covered = new Set<string>();
    let rounds = 0;
    for (;;) {
      const todo = regions.filter((region) => !covered.has(region));
      if (todo.length === 0) break;
      rounds++;
      for (const region of todo) covered.add(region);
      const branches = await Promise.all(
        researchSources.map((source) => ctx.child(researchBranch, { source, question: input.question, regions: todo })),
      );
      findings.push(...branches.flat());
    }

    const scope = [...regions];
    const consensus = await ctx.step("reconcile", () =>
      reconcileFindings(
        findings.filter((f) => scope.includes(f.region)),
        scope,
      ),
    );
    const { report } = await ctx.step("report", () =>
      sources.summarize(
        { question: input.question, regions: scope, lines: consensus.map(describeConsensus) },
        { idempotencyKey: ctx.stepKey() },
      ),
    );
    return { regions: scope, scopeChanges, rounds, consensus, report };
  });

  return { research, researchBranch, workflows: [research, researchBranch] };
}
