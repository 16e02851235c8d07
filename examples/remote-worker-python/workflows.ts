/**
 * A workflow that hands work to a task worker written in Python
 * (worker.py, beside this file): the text of a blog post is analysed in
 * Python, and the workflow publishes the post with what came back.
 *
 * The task goes to the task queue `python`. The Python worker heartbeats
 * about every 700 ms while it works; if it dies, its lease lapses after the
 * 2 s heartbeat timeout and another task worker takes the next attempt.
 *
 * Run it: see README.md.
 */
import { defineWorkflow } from "baton";

/** A post to publish. */
export interface Post {
  title: string;
  /** Paragraphs separated by blank lines. */
  text: string;
}

/** What the Python task worker answers for task `analyze-text`. */
export interface TextAnalysis {
  slug: string;
  words: number;
  sentences: number;
  readingMinutes: number;
  /** The three most frequent words, stop words aside. */
  keywords: string[];
}

/** What a run of `publish-post` returns. */
export interface PublishedPost {
  url: string;
  title: string;
  teaser: string;
  analysis: TextAnalysis;
}

/**
 * `publish-post`: the task `analyze-text` (done in Python), then the step
 * `publish`, which builds the post's page from the analysis.
 */
export const publishPost = defineWorkflow("publish-post", async (ctx, post: Post): Promise<PublishedPost> => {
  const analysis = await ctx.task<TextAnalysis>("analyze-text", post, {
    queue: "python",
    timeout: "1m",
    heartbeatTimeout: "2s",
    retry: { maxAttempts: 3, initialInterval: "500ms" },
  });
  return ctx.step("publish", () => ({
    url: `/posts/${analysis.slug}`,
    title: post.title,
    teaser: `${analysis.readingMinutes} min read, ${analysis.words} words, about ${analysis.keywords.join(", ")}`,
    analysis,
  }));
});
