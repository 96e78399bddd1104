/**
 * Prometheus metrics (prom-client), one registry for the process. Labels are
 * low-cardinality by design: never a workspace, user or message id.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'pipebot_' });

export const metrics = {
  messagesReceived: new Counter({
    name: 'pipebot_messages_received_total',
    help: 'Incoming messages stored in the inbox (duplicates counted separately).',
    labelNames: ['platform', 'duplicate'] as const,
    registers: [registry],
  }),
  messagesProcessed: new Counter({
    name: 'pipebot_messages_processed_total',
    help: 'Messages processed, by outcome (processed, needs_input, failed).',
    labelNames: ['platform', 'outcome'] as const,
    registers: [registry],
  }),
  readAhead: new Counter({
    name: 'pipebot_read_ahead_total',
    help: 'Messages read while being stored (local extractor), by whether the store confirmed the guess (used) or not (discarded).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  processingSeconds: new Histogram({
    name: 'pipebot_message_processing_seconds',
    help: 'Time from receiving a message to its replies being ready.',
    labelNames: ['platform'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
  llmCalls: new Counter({
    name: 'pipebot_llm_calls_total',
    help: 'LLM requests, by purpose and outcome.',
    labelNames: ['purpose', 'outcome'] as const,
    registers: [registry],
  }),
  llmTokens: new Counter({
    name: 'pipebot_llm_tokens_total',
    help: 'LLM tokens, by purpose and kind (prompt, completion).',
    labelNames: ['purpose', 'kind'] as const,
    registers: [registry],
  }),
  llmSeconds: new Histogram({
    name: 'pipebot_llm_request_seconds',
    help: 'LLM request latency, by purpose and outcome.',
    labelNames: ['purpose', 'outcome'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60],
    registers: [registry],
  }),
  jobs: new Counter({
    name: 'pipebot_jobs_total',
    help: 'Scheduled job slots, by job and outcome (run, skipped, failed).',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  }),
  outboundPosts: new Counter({
    name: 'pipebot_outbound_posts_total',
    help: 'Messages the bot posted, by platform and outcome (sent, duplicate, failed).',
    labelNames: ['platform', 'outcome'] as const,
    registers: [registry],
  }),
  rateLimitWaits: new Counter({
    name: 'pipebot_outbound_rate_limit_waits_total',
    help: 'Times a post waited for a platform rate limit (429 Retry-After or the per-channel pace).',
    labelNames: ['platform'] as const,
    registers: [registry],
  }),
};
