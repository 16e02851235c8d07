import type { CallOptions } from "./call-log.js";
import { FakeService, type ServiceOptions } from "./fake-service.js";

/** One source's answer for one region. */
export interface Finding {
  source: string;
  region: string;
  /** Estimated market size, in billions of USD. */
  sizeBn: number;
  /** Direction of the market. */
  trend: "growing" | "flat" | "shrinking";
}

/** Market size per region in billions, the "truth" the sources approximate. */
const baseSize: Record<string, number> = { EU: 14, US: 9, APAC: 11, UK: 2.5, LATAM: 1.5 };
/** How each source skews its estimates, and which trend it reports where. */
const sourceTraits: Record<string, { bias: number; trend: (region: string) => Finding["trend"] }> = {
  web: { bias: 1.35, trend: () => "growing" },
  papers: { bias: 0.9, trend: (region) => (region === "EU" ? "flat" : "growing") },
  analysts: { bias: 1.0, trend: (region) => (region === "US" ? "flat" : "growing") },
};

/** Names of the research sources. */
export const researchSources = Object.keys(sourceTraits);

/**
 * Search-engine and language-model stand-ins: `search` returns one source's
 * (deliberately disagreeing) findings, `summarize` writes a report.
 */
export class ResearchSources extends FakeService {
  constructor(options?: ServiceOptions) {
    super("research", options);
  }

  /** Asks one source about one region. */
  search(input: { source: string; question: string; region: string }, options: CallOptions = {}): Promise<Finding> {
    return this.call("search", input, options, () => {
      const traits = sourceTraits[input.source];
      if (!traits) throw this.refuse("search", `unknown source ${input.source}`);
      const base = baseSize[input.region];
      if (base === undefined) throw this.refuse("search", `no data for region ${input.region}`);
      return {
        source: input.source,
        region: input.region,
        sizeBn: Math.round(base * traits.bias * 10) / 10,
        trend: traits.trend(input.region),
      };
    });
  }

  /** Writes a short report from reconciled figures (a language model in real life). */
  summarize(
    input: { question: string; regions: string[]; lines: string[] },
    options: CallOptions = {},
  ): Promise<{ report: string }> {
    return this.call("summarize", input, options, () => ({
      report: [`${input.question} (scope: ${input.regions.join(", ")})`, ...input.lines.map((l) => `- ${l}`)].join(
        "\n",
      ),
    }));
  }
}
