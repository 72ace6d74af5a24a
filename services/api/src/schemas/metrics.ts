import { z } from "zod";

export const MetricsText = z.string().meta({
  id: "MetricsText",
  description:
    "Prometheus text exposition format 0.0.4: counters and gauges prefixed `sandmail_`. Labels carry " +
    "outcomes, route patterns and command names only, never run ids, addresses or tokens.",
  examples: [
    [
      "# HELP sandmail_smtp_messages_total SMTP messages by outcome: accepted (250 after DATA), rejected (5xx or 452), failed (451).",
      "# TYPE sandmail_smtp_messages_total counter",
      'sandmail_smtp_messages_total{result="accepted"} 2',
      'sandmail_smtp_messages_total{result="rejected"} 1',
      'sandmail_smtp_messages_total{result="failed"} 0',
      "",
    ].join("\n"),
  ],
});
