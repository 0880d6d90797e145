/** Counters for /_sandbox/stats: requests by route and status, 429s, webhooks. */
export class Stats {
  requests: Record<string, Record<string, number>> = {};
  rateLimited = 0;
  faultsInjected = 0;
  webhooks = { sent: 0, delivered: 0, failed: 0, retried: 0, dropped: 0, duplicated: 0 };

  request(route: string, status: number): void {
    const byStatus = (this.requests[route] ??= {});
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (status === 429) this.rateLimited += 1;
  }

  reset(): void {
    this.requests = {};
    this.rateLimited = 0;
    this.faultsInjected = 0;
    this.webhooks = { sent: 0, delivered: 0, failed: 0, retried: 0, dropped: 0, duplicated: 0 };
  }
}
