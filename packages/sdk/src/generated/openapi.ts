/*
 * Generated from the API's /openapi.json by scripts/sdk-types.ts; do not edit.
 * Regenerate with `pnpm --filter @sandmail/sdk generate`.
 */
export type paths = {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description 200 while the process serves requests; says nothing about the store.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description 200 when the mail store answers and the catch-all run (when this process has one) exists, created again if the store lost it; 503 (`store_unavailable`) otherwise.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Counters and gauges of this process in the Prometheus text format, for a scraper: SMTP message outcomes and open sessions, IMAP connections and commands, API requests by route pattern and status, held waits and open event streams, and Node's process metrics. In the all-in-one server that is every front end; a scale-out process reports only its own. Needs no token, like `/healthz`: it names no run, address or token.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List runs
         * @description Every live run with its counts and token, newest first, for the operator (the web UI's run list). Needs the API key when the server sets SANDMAIL_API_KEY; without a key only a server bound to loopback answers (403 otherwise).
         */
        get: operations["listRuns"];
        put?: never;
        /**
         * Create a run
         * @description Creates an isolated run: mail to any address at its `domain` lands in it. Answers with the run token and ready-to-paste SMTP (and IMAP) settings. Needs the API key when the server sets SANDMAIL_API_KEY.
         */
        post: operations["createRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Run info and counts */
        get: operations["getRun"];
        put?: never;
        post?: never;
        /** Delete a run and all its mail */
        delete: operations["deleteRun"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * SMTP and IMAP settings
         * @description The connection settings POST /v1/runs answered with, for a caller that holds the run's token or browser session (the web UI's settings panel).
         */
        get: operations["getRunSettings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/inboxes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Inbox addresses of a run
         * @description Every address that has received mail in this run, with message counts, sorted by address.
         */
        get: operations["listInboxes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/inboxes/{address}/folders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Folders of an inbox
         * @description The inbox's folders (INBOX, Sent, Drafts, Trash, Junk, Archive and any a client created) with counts, as an IMAP client logged in as that address sees them.
         */
        get: operations["listFolders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List messages
         * @description Message summaries, newest first, paged by `cursor`, filtered by the criteria of GET .../messages/wait.
         */
        get: operations["listMessages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a message
         * @description The full message: summary, folder and UID, SMTP envelope, headers, text, HTML and attachments.
         */
        get: operations["getMessage"];
        put?: never;
        post?: never;
        /**
         * Delete a message
         * @description Removes the message for good; IMAP clients see it expunged.
         */
        delete: operations["deleteMessage"];
        options?: never;
        head?: never;
        /**
         * Change flags, move
         * @description Marks read/unread, flagged, sets keywords, or moves the message to another folder of its inbox. IMAP clients see the change at once.
         */
        patch: operations["updateMessage"];
        trace?: never;
    };
    "/v1/runs/{run}/messages/{id}/raw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The exact stored bytes
         * @description The message byte for byte as stored (CRLF line endings, prepended trace headers included).
         */
        get: operations["getMessageRaw"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/messages/{id}/attachments/{n}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an attachment
         * @description The decoded bytes of attachment `n` (its `index` in the message view), with its content type.
         */
        get: operations["getAttachment"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/messages/{id}/html": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The HTML body as a page
         * @description The message's HTML for a browser: served under a CSP that sandboxes it (no scripts, no origin, no forms) and blocks every remote load unless `remote=true`; inline (cid:) images are embedded.
         */
        get: operations["getMessageHtmlPage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open a browser session for the run
         * @description Sets an HttpOnly, SameSite=Strict cookie scoped to this run's routes (`Path=/v1/runs/{run}`), valid until the run expires; with it a browser reads the run without an Authorization header. Changes (PATCH, DELETE, POST) made with the cookie must carry this server's `Origin`.
         */
        post: operations["openSession"];
        /**
         * End the browser session
         * @description Clears the run's session cookie in this browser.
         */
        delete: operations["closeSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Stream run events
         * @description Server-sent events of the run's changes: `message.added` (with the message summary), `message.flags`, `message.moved`, `message.expunged`, `mailbox.created|deleted|renamed` and `run.deleted` (after which the stream ends). Each event's `id:` is the run's sequence number. Resumable: reconnect with `Last-Event-ID` (EventSource does this itself) or `?after=` and the missed events are replayed, none lost or repeated. When they are no longer kept (a run keeps its newest 10,000 events), an `event: reset` says so: re-read the messages and go on. `: ping` comments every 15 s keep proxies from closing the stream. Authenticate with `Authorization: Bearer <run token>`, or `?token=` where the client cannot set headers (browser EventSource).
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/messages/{id}/extract": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Extract by regular expression
         * @description Every match of `pattern` in the subject, the text part and the HTML markup as written (so hrefs and attributes match), with capture groups. Links and one-time codes are already in the message view as `links` and `codes`.
         */
        get: operations["extractFromMessage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/messages/{id}/assert": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check assertions
         * @description Checks each assertion (headers, subject, from/to, envelope recipients, SPF/DKIM/DMARC/ARC results, links, codes, attachments) and reports every verdict with the actual value. Always 200 when the request is valid: `pass` says whether all held.
         */
        post: operations["assertMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/messages/{id}/checks/html": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * HTML client compatibility
         * @description Each HTML and CSS feature the message uses that some email client does not (fully) support, from the caniemail.com data shipped with sandmail (no network), plus sandmail's own template checks: no plain-text part, `<img>` without alt, HTML over 102 KB (Gmail clips it), images or links over http:.
         */
        get: operations["checkMessageHtml"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/messages/{id}/checks/links": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Link health
         * @description Fetches every extracted link (HEAD, then GET when HEAD fails), following up to 5 redirects, 5 s each, 4 at once. Link-local (cloud metadata) addresses are refused; `SANDMAIL_LINK_CHECK_ALLOW` restricts the hosts further.
         */
        post: operations["checkMessageLinks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/messages/{id}/checks/spam": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Spam score
         * @description Asks the configured engine (SpamAssassin's spamd with `SANDMAIL_SPAMD`, or rspamd with `SANDMAIL_RSPAMD_URL`) to score the message as stored. Without one: 501 `check_not_configured`.
         */
        get: operations["checkMessageSpam"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/dns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The run's DNS records
         * @description The records set with PUT, as the run's authentication checks see them.
         */
        get: operations["getDnsRecords"];
        /**
         * Set the run's DNS records
         * @description Replaces the run's DNS records: SPF policies, DKIM keys and DMARC policies as TXT records (plus A, AAAA, MX, CNAME, PTR). Checks of mail arriving after this call resolve against them, so results are deterministic and need no internet. Mail already received keeps the results it got. An empty list clears them.
         */
        put: operations["putDnsRecords"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/faults": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The run's SMTP fault rules
         * @description Each rule with what remains of its `count` and how often it fired.
         */
        get: operations["getFaults"];
        /**
         * Set the run's SMTP fault rules
         * @description Replaces the run's fault rules; counts, seeded draws and greylisting start afresh. Before RCPT a rule acts on sessions authenticated as the run; from RCPT on on the run's recipients, never on another run's. Every process sharing a Redis store applies the same rules and counts.
         */
        put: operations["putFaults"];
        post?: never;
        /**
         * Clear the run's SMTP fault rules
         * @description Removes every rule: the run's mail is answered normally again.
         */
        delete: operations["clearFaults"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the run's webhooks
         * @description Every webhook of the run, oldest first, without secrets.
         */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Create a webhook
         * @description From now on, each matching event of the run is POSTed to `url` as JSON `{type, timestamp, data}`, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). A 2xx within the timeout (10 s) is success; anything else is retried with exponential backoff and jitter (SANDMAIL_WEBHOOK_RETRY_SCHEDULE, default 5s,30s,2m,10m,30m,1h), then marked failed. Deliveries of a webhook arrive in the order of the run's events. The secret is shown only in this answer.
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a webhook
         * @description Stops its deliveries (an attempt already under way finishes) and drops its delivery log.
         */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a webhook's deliveries
         * @description One entry per event delivered (or being delivered), oldest first, with every attempt.
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/webhooks/{id}/deliveries/{delivery}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Redeliver a delivery
         * @description Puts a succeeded or failed delivery back in the webhook's queue for a new round of attempts (same `webhook-id`, same body). A delivery still pending is left as it is.
         */
        post: operations["retryWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The run's protocol sessions
         * @description SMTP, IMAP and POP3 sessions that touched the run (logged in as it, delivered to it, or logged in to one of its inboxes), newest first, once they have ended. A ring per run keeps the newest (`SANDMAIL_TRANSCRIPT_SESSIONS`, default 200, within `SANDMAIL_TRANSCRIPT_BYTES`, default 2 MiB).
         */
        get: operations["listSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One session's transcript
         * @description Every line of the session in both directions with its time: as JSON, or as a plain-text transcript with `Accept: text/plain`. Message bodies and literals are shown as their size; passwords and AUTH data as `[redacted]`.
         */
        get: operations["getSession"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/runs/{run}/messages/wait": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Wait for messages (criteria in the query)
         * @description Blocks until `count` messages match every criterion given, then answers them in arrival order with a `cursor` to pass as `after` next time. Stored messages are looked at first, then new arrivals, with no window in which one can slip between the two. On timeout: 408 `wait_timeout`, saying what arrived instead. With `expect=none`: 200 when nothing matched within the timeout, 409 `unexpected_message` as soon as something does.
         */
        get: operations["waitForMessages"];
        put?: never;
        /**
         * Wait for messages (criteria in a JSON body)
         * @description Blocks until `count` messages match every criterion given, then answers them in arrival order with a `cursor` to pass as `after` next time. Stored messages are looked at first, then new arrivals, with no window in which one can slip between the two. On timeout: 408 `wait_timeout`, saying what arrived instead. With `expect=none`: 200 when nothing matched within the timeout, 409 `unexpected_message` as soon as something does.
         */
        post: operations["waitForMessagesByBody"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        AssertionInput: {
            /** @constant */
            type: "header";
            /**
             * @description Header field name, any case; every occurrence is looked at.
             * @example List-Unsubscribe
             */
            name: string;
            /** @description true: the header is present; false: it is absent. */
            exists?: boolean;
            /** @description The whole value, exactly. */
            equals?: string;
            /** @description A substring, any case. */
            contains?: string;
            /** @description A regular expression, bare (`\d{6}`) or as a literal with flags (`/^welcome/i`), in RE2 syntax: matching time is linear, backreferences and lookaround are refused. At most 512 characters. The value matches it somewhere. */
            matches?: string;
            /** @description A pattern's source, with `flags`. */
            regex?: string;
            /** @description Flags of `regex`: any of i, m, s, u. */
            flags?: string;
            /** @description Overrides the default: `contains` ignores case, `equals` does not, a pattern follows its flags. */
            ignoreCase?: boolean;
        } | {
            /** @constant */
            type: "subject";
            /** @description The whole value, exactly. */
            equals?: string;
            /** @description A substring, any case. */
            contains?: string;
            /** @description A regular expression, bare (`\d{6}`) or as a literal with flags (`/^welcome/i`), in RE2 syntax: matching time is linear, backreferences and lookaround are refused. At most 512 characters. The value matches it somewhere. */
            matches?: string;
            /** @description A pattern's source, with `flags`. */
            regex?: string;
            /** @description Flags of `regex`: any of i, m, s, u. */
            flags?: string;
            /** @description Overrides the default: `contains` ignores case, `equals` does not, a pattern follows its flags. */
            ignoreCase?: boolean;
        } | {
            /** @constant */
            type: "from";
            /** @description The whole value, exactly. */
            equals?: string;
            /** @description A substring, any case. */
            contains?: string;
            /** @description A regular expression, bare (`\d{6}`) or as a literal with flags (`/^welcome/i`), in RE2 syntax: matching time is linear, backreferences and lookaround are refused. At most 512 characters. The value matches it somewhere. */
            matches?: string;
            /** @description A pattern's source, with `flags`. */
            regex?: string;
            /** @description Flags of `regex`: any of i, m, s, u. */
            flags?: string;
            /** @description Overrides the default: `contains` ignores case, `equals` does not, a pattern follows its flags. */
            ignoreCase?: boolean;
        } | {
            /** @constant */
            type: "to";
            /** @description The whole value, exactly. */
            equals?: string;
            /** @description A substring, any case. */
            contains?: string;
            /** @description A regular expression, bare (`\d{6}`) or as a literal with flags (`/^welcome/i`), in RE2 syntax: matching time is linear, backreferences and lookaround are refused. At most 512 characters. The value matches it somewhere. */
            matches?: string;
            /** @description A pattern's source, with `flags`. */
            regex?: string;
            /** @description Flags of `regex`: any of i, m, s, u. */
            flags?: string;
            /** @description Overrides the default: `contains` ignores case, `equals` does not, a pattern follows its flags. */
            ignoreCase?: boolean;
        } | {
            /** @constant */
            type: "recipient";
            /**
             * @description An SMTP RCPT TO address, compared case-insensitively.
             * @example audit@k3x9q2m7za.sandmail.test
             */
            address: string;
        } | {
            /** @constant */
            type: "spf";
            /**
             * @description RFC 8601 result.
             * @example pass
             * @enum {string}
             */
            result: "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";
        } | {
            /** @constant */
            type: "dkim";
            /**
             * @description RFC 8601 result.
             * @example pass
             * @enum {string}
             */
            result: "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";
            /** @description Only signatures with this d= (any case). */
            domain?: string;
            /** @description Only signatures with this s= (any case). */
            selector?: string;
        } | {
            /** @constant */
            type: "dmarc";
            /**
             * @description RFC 8601 result.
             * @example pass
             * @enum {string}
             */
            result: "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";
        } | {
            /** @constant */
            type: "arc";
            /**
             * @description RFC 8601 result.
             * @example pass
             * @enum {string}
             */
            result: "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";
        } | {
            /** @constant */
            type: "link";
            /** @description The whole value, exactly. */
            equals?: string;
            /** @description A substring, any case. */
            contains?: string;
            /** @description A regular expression, bare (`\d{6}`) or as a literal with flags (`/^welcome/i`), in RE2 syntax: matching time is linear, backreferences and lookaround are refused. At most 512 characters. The value matches it somewhere. */
            matches?: string;
            /** @description A pattern's source, with `flags`. */
            regex?: string;
            /** @description Flags of `regex`: any of i, m, s, u. */
            flags?: string;
            /** @description Overrides the default: `contains` ignores case, `equals` does not, a pattern follows its flags. */
            ignoreCase?: boolean;
        } | {
            /** @constant */
            type: "code";
            /** @description This exact code (as in `codes[].value`); any code when left out. */
            value?: string;
        } | {
            /** @constant */
            type: "attachment";
            /** @description The exact filename. */
            filename?: string;
            /**
             * @description A regular expression the filename matches.
             * @example /code:\s*(\d{6})/i
             */
            matches?: string;
            /**
             * @description And this content type (any case, parameters ignored).
             * @example application/pdf
             */
            contentType?: string;
        } | {
            /** @constant */
            type: "html";
            /** @description Email clients as in `GET .../checks/html?clients=` (families or family.platform); default every client. */
            clients?: string[];
            /**
             * @description At most this many warnings (features some client lacks, and sandmail's template checks).
             * @default 0
             */
            maxWarnings: number;
        } | {
            /** @constant */
            type: "links";
            /**
             * @description Every link answers below 400 (after redirects) with no error.
             * @constant
             */
            allOk: true;
            /** @description Check `<img src>` URLs too. */
            images?: boolean;
        } | {
            /** @constant */
            type: "spam";
            /** @description The spam engine's score is at most this. */
            maxScore: number;
        };
        DnsRecordInput: {
            /**
             * @description The owner name, e.g. `s1._domainkey.shop.example`; case and a trailing dot are ignored.
             * @example s1._domainkey.shop.example
             */
            name: string;
            /**
             * @description Record type; SPF, DKIM keys and DMARC policies are TXT records.
             * @enum {string}
             */
            type: "TXT" | "A" | "AAAA" | "MX" | "CNAME" | "PTR";
            /**
             * @description The record's values. A TXT value is one whole string (a long DKIM key need not be split into 255-character chunks).
             * @example [
             *       "v=spf1 ip4:127.0.0.1 -all"
             *     ]
             */
            values: string[];
        };
        SpfResult: {
            /**
             * @description RFC 8601 result.
             * @example pass
             * @enum {string}
             */
            result: "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";
            /**
             * @description The domain whose SPF policy was checked (envelope sender, or HELO for a null sender).
             * @example shop.example
             */
            domain?: string;
            reason?: string;
        };
        DkimResult: {
            /**
             * @description RFC 8601 result.
             * @example pass
             * @enum {string}
             */
            result: "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";
            /**
             * @description The signing domain (d=).
             * @example shop.example
             */
            domain: string;
            /**
             * @description The selector (s=).
             * @example mail2026
             */
            selector: string;
            /**
             * @example rsa-sha256
             * @example ed25519-sha256
             */
            algorithm?: string;
            /** @description Whether d= aligns (relaxed) with the From domain. */
            aligned?: boolean;
            reason?: string;
        };
        DmarcResult: {
            /**
             * @description RFC 8601 result.
             * @example pass
             * @enum {string}
             */
            result: "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";
            /** @description The From domain the policy applies to. */
            domain?: string;
            /**
             * @description The policy the record asks for.
             * @example reject
             */
            policy?: string;
            reason?: string;
        };
        ArcResult: {
            /**
             * @description RFC 8601 result.
             * @example pass
             * @enum {string}
             */
            result: "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";
            /** @description The highest ARC instance (i=) in the chain. */
            instance?: number;
            reason?: string;
        };
        ReceivedAuthResult: {
            /**
             * @description Who wrote the header.
             * @example mx.forwarder.example
             */
            authservId: string;
            version?: number;
            /** @description Empty when the header says `none`. */
            results: {
                /**
                 * @description Lowercased method name: spf, dkim, dmarc, arc, iprev, auth, ...
                 * @example dkim
                 */
                method: string;
                methodVersion?: number;
                /**
                 * @description Lowercased result as written.
                 * @example pass
                 */
                result: string;
                reason?: string;
                /** @description Comments attached to the result, joined by a space. */
                comment?: string;
                /**
                 * @description Keyed by `ptype.property`, lowercased, e.g. `header.d`.
                 * @example {
                 *       "header.d": "shop.example"
                 *     }
                 */
                properties: {
                    [key: string]: string;
                };
            }[];
            /** @description The header value as received (unfolded). */
            raw: string;
        };
        /**
         * @description SPF, DKIM, DMARC and ARC as checked when the message arrived over SMTP, against the run's DNS records (PUT /dns). null for mail that did not come over SMTP (IMAP APPEND).
         * @example {
         *       "spf": {
         *         "result": "pass",
         *         "domain": "shop.example"
         *       },
         *       "dkim": [
         *         {
         *           "result": "pass",
         *           "domain": "shop.example",
         *           "selector": "s1",
         *           "algorithm": "rsa-sha256",
         *           "aligned": true
         *         }
         *       ],
         *       "dmarc": {
         *         "result": "pass",
         *         "domain": "shop.example",
         *         "policy": "reject"
         *       },
         *       "arc": {
         *         "result": "none"
         *       },
         *       "received": []
         *     }
         */
        AuthResults: {
            /** @description null when SPF could not apply (no valid client address). */
            spf: components["schemas"]["SpfResult"] | null;
            /** @description One entry per DKIM-Signature; empty when unsigned. */
            dkim: components["schemas"]["DkimResult"][];
            /** @description null when there is no single From address to align. */
            dmarc: components["schemas"]["DmarcResult"] | null;
            arc: components["schemas"]["ArcResult"] | null;
            /** @description Authentication-Results headers the message already carried, most recent first. */
            received: components["schemas"]["ReceivedAuthResult"][];
        };
        /**
         * @example {
         *       "url": "https://shop.example/confirm?t=Zk2Lq9",
         *       "text": "Confirm your address",
         *       "sources": [
         *         "html",
         *         "text"
         *       ]
         *     }
         */
        ExtractedLink: {
            /** @description The URL as written (HTML entities decoded); tracking redirects are not unwrapped. */
            url: string;
            /** @description Anchor text of the first HTML link with this URL, whitespace-collapsed; image alt text when the anchor holds only an image. */
            text?: string;
            /** @description Every part the URL appeared in, `html` before `text`. */
            sources: ("html" | "text")[];
        };
        /**
         * @example {
         *       "value": "482913",
         *       "raw": "482 913",
         *       "source": "html",
         *       "sources": [
         *         "subject",
         *         "html"
         *       ],
         *       "context": "Your verification code is 482 913. It expires in 10 minutes.",
         *       "score": 0.9
         *     }
         */
        ExtractedCode: {
            /** @description The code as it should be typed: separators removed from digit codes (`123 456` -> `123456`), spaces removed from alphanumeric ones (a dash is kept). */
            value: string;
            /** @description The code exactly as written at its best-scoring occurrence. */
            raw: string;
            /**
             * @description Part of the best-scoring occurrence.
             * @enum {string}
             */
            source: "subject" | "text" | "html";
            /** @description Every part the code appeared in, in the order subject, text, html. */
            sources: ("subject" | "text" | "html")[];
            /** @description Text around the best-scoring occurrence, on one line. */
            context: string;
            /** @description 0..1, how likely this is the message's one-time code; the list is sorted by it, highest first. */
            score: number;
        };
        PatternMatch: {
            /** @description The whole match. */
            match: string;
            /** @description Positional capture groups 1..n; null when a group did not take part. */
            groups: (string | null)[];
            /** @description Named capture groups, when the pattern has any. */
            namedGroups?: {
                [key: string]: string | null;
            };
            /**
             * @description Where it matched: subject, text part, or the HTML markup as written.
             * @enum {string}
             */
            source: "subject" | "text" | "html";
            /** @description Offset of the match in that part (UTF-16 code units, as JavaScript strings count). */
            index: number;
        };
        /**
         * @example {
         *       "stage": "rcpt",
         *       "action": "reply",
         *       "code": 451,
         *       "count": 1
         *     }
         */
        FaultRule: {
            /**
             * @description Where in the SMTP session the rule acts. `connect`: the reply to a successful AUTH as the run (the first moment a session is known to be the run's). `mail`: MAIL FROM of a session authenticated as the run. `rcpt`: RCPT TO of one of the run's recipients. `data`: the DATA command (before the message is sent). `after-data`: the message has been received, before the reply. `data` and `after-data` act only when every recipient of the message is the run's.
             * @enum {string}
             */
            stage: "connect" | "mail" | "rcpt" | "data" | "after-data";
            /**
             * @description `reply`: answer `code` with `message` (a 421 also closes the connection). `delay`: wait `delayMs`, then go on. `disconnect`: close the connection without a reply (at `after-data` the message is stored first). `greylist` (rcpt only): the first attempt per sender and recipient gets 451, a retry `retryAfterSeconds` later is accepted. `require-tls` (mail, rcpt): `530 5.7.0` unless the session is TLS (STARTTLS or implicit TLS).
             * @enum {string}
             */
            action: "reply" | "delay" | "disconnect" | "greylist" | "require-tls";
            /** @description Reply code for `reply` (required there), e.g. 421, 451, 452, 550, 552, 554. The enhanced status code follows from it (451 -> 4.3.0, 452 -> 4.2.2, 550 -> 5.1.1, 552 -> 5.2.2, 554 -> 5.6.0). */
            code?: number;
            /** @description Reply text for `reply`; a default names the fault. */
            message?: string;
            /** @description Wait for `delay` (required there), at most 120000 ms. */
            delayMs?: number;
            /** @description Fire for the next `count` matching transactions only; without it, for every one. */
            count?: number;
            /** @description Fire for this share of matching transactions, drawn from a generator seeded with `seed`. */
            probability?: number;
            /** @description Seed of the `probability` draws: the same seed gives the same sequence. Chosen at random (and shown) when absent. */
            seed?: number;
            /** @description For `greylist`: how long after the first attempt a retry is accepted (default 60; 0 = any retry). */
            retryAfterSeconds?: number;
        };
        /**
         * @description Contains, ignoring case, by default (`Welcome`); `"Welcome!"` (in double quotes) for an exact value; `/^Wel.*\/i` for a regular expression (RE2 syntax, flags i, m, s, u; no backreferences or lookaround). Or an object with one of equals, contains, matches (a pattern) or regex (+ flags), and optionally ignoreCase.
         * @example Welcome
         * @example {
         *       "contains": "welcome"
         *     }
         * @example {
         *       "regex": "^Welcome",
         *       "flags": "i"
         *     }
         */
        Matcher: string | {
            /** @description The whole value, exactly. */
            equals?: string;
            /** @description A substring, any case. */
            contains?: string;
            /** @description A regular expression, bare (`\d{6}`) or as a literal with flags (`/^welcome/i`), in RE2 syntax: matching time is linear, backreferences and lookaround are refused. At most 512 characters. The value matches it somewhere. */
            matches?: string;
            /** @description A pattern's source, with `flags`. */
            regex?: string;
            /** @description Flags of `regex`: any of i, m, s, u. */
            flags?: string;
            /** @description Overrides the default: `contains` ignores case, `equals` does not, a pattern follows its flags. */
            ignoreCase?: boolean;
        };
        Assertion: {
            /** @constant */
            type: "header";
            /**
             * @description Header field name, any case; every occurrence is looked at.
             * @example List-Unsubscribe
             */
            name: string;
            /** @description true: the header is present; false: it is absent. */
            exists?: boolean;
            /** @description The whole value, exactly. */
            equals?: string;
            /** @description A substring, any case. */
            contains?: string;
            /** @description A regular expression, bare (`\d{6}`) or as a literal with flags (`/^welcome/i`), in RE2 syntax: matching time is linear, backreferences and lookaround are refused. At most 512 characters. The value matches it somewhere. */
            matches?: string;
            /** @description A pattern's source, with `flags`. */
            regex?: string;
            /** @description Flags of `regex`: any of i, m, s, u. */
            flags?: string;
            /** @description Overrides the default: `contains` ignores case, `equals` does not, a pattern follows its flags. */
            ignoreCase?: boolean;
        } | {
            /** @constant */
            type: "subject";
            /** @description The whole value, exactly. */
            equals?: string;
            /** @description A substring, any case. */
            contains?: string;
            /** @description A regular expression, bare (`\d{6}`) or as a literal with flags (`/^welcome/i`), in RE2 syntax: matching time is linear, backreferences and lookaround are refused. At most 512 characters. The value matches it somewhere. */
            matches?: string;
            /** @description A pattern's source, with `flags`. */
            regex?: string;
            /** @description Flags of `regex`: any of i, m, s, u. */
            flags?: string;
            /** @description Overrides the default: `contains` ignores case, `equals` does not, a pattern follows its flags. */
            ignoreCase?: boolean;
        } | {
            /** @constant */
            type: "from";
            /** @description The whole value, exactly. */
            equals?: string;
            /** @description A substring, any case. */
            contains?: string;
            /** @description A regular expression, bare (`\d{6}`) or as a literal with flags (`/^welcome/i`), in RE2 syntax: matching time is linear, backreferences and lookaround are refused. At most 512 characters. The value matches it somewhere. */
            matches?: string;
            /** @description A pattern's source, with `flags`. */
            regex?: string;
            /** @description Flags of `regex`: any of i, m, s, u. */
            flags?: string;
            /** @description Overrides the default: `contains` ignores case, `equals` does not, a pattern follows its flags. */
            ignoreCase?: boolean;
        } | {
            /** @constant */
            type: "to";
            /** @description The whole value, exactly. */
            equals?: string;
            /** @description A substring, any case. */
            contains?: string;
            /** @description A regular expression, bare (`\d{6}`) or as a literal with flags (`/^welcome/i`), in RE2 syntax: matching time is linear, backreferences and lookaround are refused. At most 512 characters. The value matches it somewhere. */
            matches?: string;
            /** @description A pattern's source, with `flags`. */
            regex?: string;
            /** @description Flags of `regex`: any of i, m, s, u. */
            flags?: string;
            /** @description Overrides the default: `contains` ignores case, `equals` does not, a pattern follows its flags. */
            ignoreCase?: boolean;
        } | {
            /** @constant */
            type: "recipient";
            /**
             * @description An SMTP RCPT TO address, compared case-insensitively.
             * @example audit@k3x9q2m7za.sandmail.test
             */
            address: string;
        } | {
            /** @constant */
            type: "spf";
            /**
             * @description RFC 8601 result.
             * @example pass
             * @enum {string}
             */
            result: "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";
        } | {
            /** @constant */
            type: "dkim";
            /**
             * @description RFC 8601 result.
             * @example pass
             * @enum {string}
             */
            result: "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";
            /** @description Only signatures with this d= (any case). */
            domain?: string;
            /** @description Only signatures with this s= (any case). */
            selector?: string;
        } | {
            /** @constant */
            type: "dmarc";
            /**
             * @description RFC 8601 result.
             * @example pass
             * @enum {string}
             */
            result: "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";
        } | {
            /** @constant */
            type: "arc";
            /**
             * @description RFC 8601 result.
             * @example pass
             * @enum {string}
             */
            result: "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";
        } | {
            /** @constant */
            type: "link";
            /** @description The whole value, exactly. */
            equals?: string;
            /** @description A substring, any case. */
            contains?: string;
            /** @description A regular expression, bare (`\d{6}`) or as a literal with flags (`/^welcome/i`), in RE2 syntax: matching time is linear, backreferences and lookaround are refused. At most 512 characters. The value matches it somewhere. */
            matches?: string;
            /** @description A pattern's source, with `flags`. */
            regex?: string;
            /** @description Flags of `regex`: any of i, m, s, u. */
            flags?: string;
            /** @description Overrides the default: `contains` ignores case, `equals` does not, a pattern follows its flags. */
            ignoreCase?: boolean;
        } | {
            /** @constant */
            type: "code";
            /** @description This exact code (as in `codes[].value`); any code when left out. */
            value?: string;
        } | {
            /** @constant */
            type: "attachment";
            /** @description The exact filename. */
            filename?: string;
            /**
             * @description A regular expression the filename matches.
             * @example /code:\s*(\d{6})/i
             */
            matches?: string;
            /**
             * @description And this content type (any case, parameters ignored).
             * @example application/pdf
             */
            contentType?: string;
        } | {
            /** @constant */
            type: "html";
            /** @description Email clients as in `GET .../checks/html?clients=` (families or family.platform); default every client. */
            clients?: string[];
            /**
             * @description At most this many warnings (features some client lacks, and sandmail's template checks).
             * @default 0
             */
            maxWarnings: number;
        } | {
            /** @constant */
            type: "links";
            /**
             * @description Every link answers below 400 (after redirects) with no error.
             * @constant
             */
            allOk: true;
            /** @description Check `<img src>` URLs too. */
            images?: boolean;
        } | {
            /** @constant */
            type: "spam";
            /** @description The spam engine's score is at most this. */
            maxScore: number;
        };
        AssertionResult: {
            /** @description The assertion as given. */
            assertion: components["schemas"]["Assertion"];
            pass: boolean;
            /** @description What the message had instead (or what satisfied the assertion): values, results, names. */
            actual: unknown;
            /**
             * @description One line for a CI log.
             * @example subject is "Welcome", not containing "code"
             */
            message: string;
        };
        /**
         * @example {
         *       "pass": false,
         *       "results": [
         *         {
         *           "assertion": {
         *             "type": "spf",
         *             "result": "pass"
         *           },
         *           "pass": false,
         *           "actual": {
         *             "result": "fail",
         *             "domain": "shop.example"
         *           },
         *           "message": "spf is \"fail\", expected \"pass\""
         *         }
         *       ]
         *     }
         */
        AssertResult: {
            /** @description Every assertion passed. */
            pass: boolean;
            /** @description One per assertion, in the order given. */
            results: components["schemas"]["AssertionResult"][];
        };
        /**
         * @example {
         *       "name": "Shop",
         *       "address": "no-reply@shop.example"
         *     }
         */
        Address: {
            /** @description Display name, decoded; empty when there is none. */
            name: string;
            /** @description The mail address as written. */
            address: string;
        };
        ProblemField: {
            /**
             * @description Which part of the request was wrong.
             * @enum {string}
             */
            in: "body" | "querystring" | "params" | "headers";
            /** @description Dotted path of the bad field within that part; empty for the part itself. */
            path: string;
            message: string;
        };
        /**
         * @description An error, as application/problem+json (RFC 9457). Extra members may carry details.
         * @example {
         *       "type": "urn:sandmail:problem:run_not_found",
         *       "title": "Run not found",
         *       "status": 404,
         *       "code": "run_not_found",
         *       "detail": "run k3x9q2m7za not found",
         *       "instance": "/v1/runs/k3x9q2m7za/messages"
         *     }
         */
        Problem: {
            /** @description URI naming the kind of problem; one per `code`. */
            type: string;
            /** @description Short, human-readable summary of the kind of problem. */
            title: string;
            /** @description The HTTP status code. */
            status: number;
            /**
             * @description Stable machine-readable error code; branch on this.
             * @enum {string}
             */
            code: "run_not_found" | "run_exists" | "unauthorized" | "forbidden" | "message_not_found" | "mailbox_not_found" | "mailbox_exists" | "mailbox_protected" | "quota_exceeded" | "storage_full" | "too_many_runs" | "too_many_waits" | "too_many_streams" | "invalid_request" | "unsupported_pattern" | "store_unavailable" | "wait_timeout" | "too_many_requests" | "unexpected_message" | "not_found" | "check_not_configured" | "check_failed" | "webhook_not_found" | "delivery_not_found" | "webhook_target_refused" | "session_not_found" | "internal";
            /** @description What went wrong with this request. */
            detail: string;
            /** @description The request path the problem occurred on. */
            instance: string;
            /** @description For `invalid_request`: each bad field. */
            errors?: components["schemas"]["ProblemField"][];
        } & {
            [key: string]: unknown;
        };
        /**
         * @example {
         *       "feature": "css-display-flex",
         *       "title": "display:flex",
         *       "url": "https://www.caniemail.com/features/css-display-flex/",
         *       "support": {
         *         "outlook.windows": "no",
         *         "gmail.ios": "partial"
         *       },
         *       "count": 2
         *     }
         */
        FeatureWarning: {
            /** @description caniemail's feature slug (`css-display-flex`), or `sandmail-...` for sandmail's own template checks. */
            feature: string;
            title: string;
            /** @description The caniemail.com page with the clients' notes; null for sandmail's own checks. */
            url: string | null;
            /** @description The chosen clients that do not fully support it; a client not listed supports it. */
            support: {
                [key: string]: "yes" | "partial" | "no";
            };
            /** @description How many places in the HTML use it. */
            count: number;
        };
        /**
         * @example {
         *       "score": 71,
         *       "clients": [
         *         "outlook.windows",
         *         "gmail.desktop-webmail"
         *       ],
         *       "warnings": [
         *         {
         *           "feature": "css-display-flex",
         *           "title": "display:flex",
         *           "url": "https://www.caniemail.com/features/css-display-flex/",
         *           "support": {
         *             "outlook.windows": "no"
         *           },
         *           "count": 1
         *         },
         *         {
         *           "feature": "sandmail-img-missing-alt",
         *           "title": "<img> without alt text",
         *           "url": null,
         *           "support": {},
         *           "count": 2
         *         }
         *       ]
         *     }
         */
        HtmlCheck: {
            /** @description 0-100: the share of (feature, client) pairs supported among the features some chosen client lacks (partial counts half); 100 when every chosen client supports everything the message uses. */
            score: number;
            /** @description The clients checked. */
            clients: ("apple-mail.macos" | "apple-mail.ios" | "gmail.desktop-webmail" | "gmail.ios" | "gmail.android" | "gmail.mobile-webmail" | "orange.desktop-webmail" | "orange.ios" | "orange.android" | "outlook.windows" | "outlook.windows-mail" | "outlook.macos" | "outlook.ios" | "outlook.android" | "yahoo.desktop-webmail" | "yahoo.ios" | "yahoo.android" | "aol.desktop-webmail" | "aol.ios" | "aol.android" | "samsung-email.android" | "sfr.desktop-webmail" | "sfr.ios" | "sfr.android" | "thunderbird.macos" | "protonmail.desktop-webmail" | "protonmail.ios" | "protonmail.android" | "hey.desktop-webmail" | "mail-ru.desktop-webmail" | "fastmail.desktop-webmail" | "laposte.desktop-webmail")[];
            warnings: components["schemas"]["FeatureWarning"][];
        };
        LinkResult: {
            url: string;
            /** @description The last HTTP status; null when no answer came. */
            status: number | null;
            /** @description Where the redirects ended. */
            finalUrl: string | null;
            /** @description Each redirect, in order. */
            redirects: {
                url: string;
                status: number;
            }[];
            durationMs: number;
            /** @description Why there is no healthy answer: timeout, redirect loop, refused address, DNS ...; null otherwise. */
            error: string | null;
        };
        /**
         * @example {
         *       "ok": false,
         *       "links": [
         *         {
         *           "url": "https://shop.example/confirm?t=Zk2Lq9",
         *           "status": 200,
         *           "finalUrl": "https://shop.example/welcome",
         *           "redirects": [
         *             {
         *               "url": "https://shop.example/confirm?t=Zk2Lq9",
         *               "status": 302
         *             }
         *           ],
         *           "durationMs": 41,
         *           "error": null
         *         },
         *         {
         *           "url": "https://shop.example/old",
         *           "status": 404,
         *           "finalUrl": "https://shop.example/old",
         *           "redirects": [],
         *           "durationMs": 12,
         *           "error": null
         *         }
         *       ]
         *     }
         */
        LinkCheck: {
            links: components["schemas"]["LinkResult"][];
            /** @description Every link answered below 400 with no error. */
            ok: boolean;
        };
        /**
         * @example {
         *       "engine": "spamassassin",
         *       "score": 1002.3,
         *       "threshold": 5,
         *       "isSpam": true,
         *       "rules": [
         *         {
         *           "name": "GTUBE",
         *           "score": 1000,
         *           "description": "BODY: Generic Test for Unsolicited Bulk Email"
         *         }
         *       ]
         *     }
         */
        SpamCheck: {
            /** @enum {string} */
            engine: "spamassassin" | "rspamd";
            score: number;
            threshold: number;
            isSpam: boolean;
            rules: {
                name: string;
                score: number;
                description: string;
            }[];
        };
        /**
         * @example {
         *       "name": "shop.example",
         *       "type": "TXT",
         *       "values": [
         *         "v=spf1 ip4:127.0.0.1 -all"
         *       ]
         *     }
         */
        DnsRecord: {
            /**
             * @description The owner name, e.g. `s1._domainkey.shop.example`; case and a trailing dot are ignored.
             * @example s1._domainkey.shop.example
             */
            name: unknown;
            /**
             * @description Record type; SPF, DKIM keys and DMARC policies are TXT records.
             * @enum {string}
             */
            type: "TXT" | "A" | "AAAA" | "MX" | "CNAME" | "PTR";
            /**
             * @description The record's values. A TXT value is one whole string (a long DKIM key need not be split into 255-character chunks).
             * @example [
             *       "v=spf1 ip4:127.0.0.1 -all"
             *     ]
             */
            values: string[];
        };
        DnsRecordView: {
            /** @example _dmarc.shop.example */
            name: string;
            /** @enum {string} */
            type: "TXT" | "A" | "AAAA" | "MX" | "CNAME" | "PTR";
            values: string[];
        };
        /**
         * @example {
         *       "records": [
         *         {
         *           "name": "shop.example",
         *           "type": "TXT",
         *           "values": [
         *             "v=spf1 -all"
         *           ]
         *         }
         *       ]
         *     }
         */
        DnsRecords: {
            records: components["schemas"]["DnsRecordView"][];
        };
        /**
         * @example X-Campaign: spring
         * @example {
         *       "name": "X-Campaign",
         *       "value": {
         *         "equals": "spring"
         *       }
         *     }
         */
        HeaderCriterion: string | {
            /** @description The header field name, any case. */
            name: string;
            /** @description Absent: the field only has to exist. */
            value?: components["schemas"]["Matcher"];
        };
        /**
         * @example {
         *       "matches": [
         *         {
         *           "match": "token=Zk2Lq9",
         *           "groups": [
         *             "Zk2Lq9"
         *           ],
         *           "namedGroups": {
         *             "token": "Zk2Lq9"
         *           },
         *           "source": "html",
         *           "index": 412
         *         }
         *       ]
         *     }
         */
        ExtractResult: {
            /** @description Every match in subject, text and HTML, in that order; at most 1000. */
            matches: components["schemas"]["PatternMatch"][];
        };
        MessageSummary: {
            /**
             * @description A message id, unique within its run.
             * @example 1a
             */
            id: string;
            /** @description Run-wide arrival sequence number; larger is newer. */
            seq: number;
            /**
             * @description The inbox address holding the message.
             * @example alice@k3x9q2m7za.sandmail.test
             */
            inbox: string;
            /**
             * @description The folder holding the message.
             * @example INBOX
             */
            mailbox: string;
            /** @example Confirm your e-mail address */
            subject: string;
            /** @description The first From address, or null when there is none. */
            from: components["schemas"]["Address"] | null;
            to: components["schemas"]["Address"][];
            cc: components["schemas"]["Address"][];
            /**
             * Format: date-time
             * @description The Date header, when it parses.
             * @example 2026-03-01T12:00:00.000Z
             */
            date?: string;
            /**
             * Format: date-time
             * @description When the message was received (IMAP INTERNALDATE).
             * @example 2026-03-01T12:00:00.000Z
             */
            receivedAt: string;
            /** @description Exact size of the stored raw message in bytes. */
            size: number;
            seen: boolean;
            flagged: boolean;
            /**
             * @description IMAP flags: system flags (\Seen, \Answered, \Flagged, \Deleted, \Draft) and keywords.
             * @example [
             *       "\\Seen",
             *       "$Important"
             *     ]
             */
            flags: string[];
        };
        MessageList: {
            /** @description Newest first. */
            messages: components["schemas"]["MessageSummary"][];
            /** @description Pass as `cursor` for the next (older) page; absent on the last. */
            nextCursor?: number;
        };
        SmtpEnvelope: {
            /**
             * @description MAIL FROM; empty for a null sender.
             * @example bounce@shop.example
             */
            mailFrom: string;
            /** @description Every RCPT TO of the transaction (so BCC shows here). */
            rcptTo: string[];
            /** @example 127.0.0.1 */
            clientAddress: string;
            /** @example mail.shop.example */
            helo: string;
            /** @description Whether the SMTP session was encrypted. */
            tls: boolean;
            /** @description The SMTP AUTH user, when the client authenticated. */
            authUser?: string;
        };
        /**
         * @example {
         *       "name": "Subject",
         *       "value": "Confirm your e-mail address"
         *     }
         */
        Header: {
            name: string;
            value: string;
        };
        AttachmentInfo: {
            /** @description Use as {n} in .../attachments/{n}. */
            index: number;
            /** @example invoice.pdf */
            filename?: string;
            /** @example application/pdf */
            contentType: string;
            /** @description Decoded size in bytes. */
            size: number;
            /** @description Content-ID, for inline parts referenced by cid: links. */
            contentId?: string;
            /** @enum {string} */
            disposition: "attachment" | "inline";
        };
        MessageDetail: {
            /**
             * @description A message id, unique within its run.
             * @example 1a
             */
            id: string;
            /** @description Run-wide arrival sequence number; larger is newer. */
            seq: number;
            /**
             * @description The inbox address holding the message.
             * @example alice@k3x9q2m7za.sandmail.test
             */
            inbox: string;
            /**
             * @description The folder holding the message.
             * @example INBOX
             */
            mailbox: string;
            /** @example Confirm your e-mail address */
            subject: string;
            /** @description The first From address, or null when there is none. */
            from: components["schemas"]["Address"] | null;
            to: components["schemas"]["Address"][];
            cc: components["schemas"]["Address"][];
            /**
             * Format: date-time
             * @description The Date header, when it parses.
             * @example 2026-03-01T12:00:00.000Z
             */
            date?: string;
            /**
             * Format: date-time
             * @description When the message was received (IMAP INTERNALDATE).
             * @example 2026-03-01T12:00:00.000Z
             */
            receivedAt: string;
            /** @description Exact size of the stored raw message in bytes. */
            size: number;
            seen: boolean;
            flagged: boolean;
            /**
             * @description IMAP flags: system flags (\Seen, \Answered, \Flagged, \Deleted, \Draft) and keywords.
             * @example [
             *       "\\Seen",
             *       "$Important"
             *     ]
             */
            flags: string[];
            /** @description IMAP UID in its folder. */
            uid: number;
            /** @description Absent for messages not received over SMTP (e.g. IMAP APPEND). */
            envelope?: components["schemas"]["SmtpEnvelope"];
            bcc: components["schemas"]["Address"][];
            replyTo: components["schemas"]["Address"][];
            /** @example <1234@shop.example> */
            messageId?: string;
            inReplyTo?: string;
            references: string[];
            /** @description Top-level header fields in order, unfolded, encoded-words decoded. */
            headers: components["schemas"]["Header"][];
            /** @description The plain-text body. */
            text?: string;
            /** @description The HTML body; cid: links kept as written. */
            html?: string;
            attachments: components["schemas"]["AttachmentInfo"][];
            /** @description Every URL in the HTML (with anchor text) and text parts, deduplicated, in document order. */
            links: components["schemas"]["ExtractedLink"][];
            /** @description Likely one-time codes (subject, text, HTML as read), most likely first; `codes[0].value` is the usual pick. */
            codes: components["schemas"]["ExtractedCode"][];
            /** @description SPF, DKIM, DMARC and ARC results from SMTP ingest; null for mail that did not arrive over SMTP (IMAP APPEND). */
            auth: components["schemas"]["AuthResults"] | null;
            /** @description Set when the message could not be decoded; raw stays available. */
            parseError?: string;
            /**
             * @description Set in a wait's answer for a message left out to keep the answer bounded: a wait answers messages whole while their sizes add up to 64 MiB (the first always), the rest from their stored summary alone (no headers, text, html, attachments, links or codes). Read it whole with GET .../messages/{id}.
             * @constant
             */
            contentOmitted?: true;
        };
        /**
         * @example {
         *       "type": "message.flags",
         *       "runId": "k3x9q2m7za",
         *       "seq": 43,
         *       "messageId": "1a",
         *       "mailboxId": "mb1",
         *       "address": "alice@k3x9q2m7za.sandmail.test",
         *       "uid": 1,
         *       "flags": [
         *         "\\Seen"
         *       ],
         *       "modSeq": 43
         *     }
         */
        StreamEventData: {
            /** @constant */
            type: "message.added";
            /** @example k3x9q2m7za */
            runId: string;
            /** @description The run's sequence number of this change; also the SSE `id:`. */
            seq: number;
            /** @example 1a */
            messageId: string;
            /** @description The folder the message is in (after a move: the destination). */
            mailboxId: string;
            /**
             * @description The inbox address.
             * @example alice@k3x9q2m7za.sandmail.test
             */
            address: string;
            /** @description IMAP UID in that folder. */
            uid: number;
            modSeq: number;
            /** @description The message's flags after the change. */
            flags: string[];
            /** @description The message summary, so no second call is needed; null when it was deleted before the event was sent. */
            message: components["schemas"]["MessageSummary"] | null;
        } | {
            /** @constant */
            type: "message.flags";
            /** @example k3x9q2m7za */
            runId: string;
            /** @description The run's sequence number of this change; also the SSE `id:`. */
            seq: number;
            /** @example 1a */
            messageId: string;
            /** @description The folder the message is in (after a move: the destination). */
            mailboxId: string;
            /**
             * @description The inbox address.
             * @example alice@k3x9q2m7za.sandmail.test
             */
            address: string;
            /** @description IMAP UID in that folder. */
            uid: number;
            modSeq: number;
            /** @description The message's flags after the change. */
            flags: string[];
        } | {
            /** @constant */
            type: "message.moved";
            /** @example k3x9q2m7za */
            runId: string;
            /** @description The run's sequence number of this change; also the SSE `id:`. */
            seq: number;
            /** @example 1a */
            messageId: string;
            /** @description The folder the message is in (after a move: the destination). */
            mailboxId: string;
            /**
             * @description The inbox address.
             * @example alice@k3x9q2m7za.sandmail.test
             */
            address: string;
            /** @description IMAP UID in that folder. */
            uid: number;
            modSeq: number;
            /** @description The message's flags after the change. */
            flags: string[];
            fromMailboxId: string;
            fromUid: number;
        } | {
            /** @constant */
            type: "message.expunged";
            /** @example k3x9q2m7za */
            runId: string;
            /** @description The run's sequence number of this change; also the SSE `id:`. */
            seq: number;
            /** @example 1a */
            messageId: string;
            /** @description The folder the message is in (after a move: the destination). */
            mailboxId: string;
            /**
             * @description The inbox address.
             * @example alice@k3x9q2m7za.sandmail.test
             */
            address: string;
            /** @description IMAP UID in that folder. */
            uid: number;
            modSeq: number;
        } | {
            /** @enum {string} */
            type: "mailbox.created" | "mailbox.deleted" | "mailbox.renamed";
            /** @example k3x9q2m7za */
            runId: string;
            /** @description The run's sequence number of this change; also the SSE `id:`. */
            seq: number;
            mailboxId: string;
            address: string;
            /** @description The folder name (after a rename: the new one). */
            name: string;
            /** @description For mailbox.renamed: the previous name. */
            oldName?: string;
        } | {
            /** @constant */
            type: "run.deleted";
            /** @example k3x9q2m7za */
            runId: string;
            /** @description The run's sequence number of this change; also the SSE `id:`. */
            seq: number;
        } | {
            /** @constant */
            type: "reset";
            /**
             * @description `expired`: events after the requested id were already discarded (the run keeps its newest 10,000). `unknown`: the id is ahead of the run (e.g. the run was created anew).
             * @enum {string}
             */
            reason: "expired" | "unknown";
            /** @description The id the client asked to resume after. */
            requested: number;
            /** @description The run's current seq; the stream continues after it. */
            seq: number;
        };
        FaultRuleView: {
            /**
             * @description Where in the SMTP session the rule acts. `connect`: the reply to a successful AUTH as the run (the first moment a session is known to be the run's). `mail`: MAIL FROM of a session authenticated as the run. `rcpt`: RCPT TO of one of the run's recipients. `data`: the DATA command (before the message is sent). `after-data`: the message has been received, before the reply. `data` and `after-data` act only when every recipient of the message is the run's.
             * @enum {string}
             */
            stage: "connect" | "mail" | "rcpt" | "data" | "after-data";
            /**
             * @description `reply`: answer `code` with `message` (a 421 also closes the connection). `delay`: wait `delayMs`, then go on. `disconnect`: close the connection without a reply (at `after-data` the message is stored first). `greylist` (rcpt only): the first attempt per sender and recipient gets 451, a retry `retryAfterSeconds` later is accepted. `require-tls` (mail, rcpt): `530 5.7.0` unless the session is TLS (STARTTLS or implicit TLS).
             * @enum {string}
             */
            action: "reply" | "delay" | "disconnect" | "greylist" | "require-tls";
            /** @description Reply code for `reply` (required there), e.g. 421, 451, 452, 550, 552, 554. The enhanced status code follows from it (451 -> 4.3.0, 452 -> 4.2.2, 550 -> 5.1.1, 552 -> 5.2.2, 554 -> 5.6.0). */
            code?: number;
            /** @description Reply text for `reply`; a default names the fault. */
            message?: string;
            /** @description Wait for `delay` (required there), at most 120000 ms. */
            delayMs?: number;
            /** @description Fire for the next `count` matching transactions only; without it, for every one. */
            count?: number;
            /** @description Fire for this share of matching transactions, drawn from a generator seeded with `seed`. */
            probability?: number;
            /** @description Seed of the `probability` draws: the same seed gives the same sequence. Chosen at random (and shown) when absent. */
            seed?: number;
            /** @description For `greylist`: how long after the first attempt a retry is accepted (default 60; 0 = any retry). */
            retryAfterSeconds?: number;
            /** @description What remains of `count` (null for a rule without one): the rule stops firing at 0. */
            remaining: number | null;
            /** @description How often the rule fired since it was set. */
            fired: number;
        };
        /**
         * @example {
         *       "rules": [
         *         {
         *           "stage": "rcpt",
         *           "action": "reply",
         *           "code": 451,
         *           "count": 1,
         *           "remaining": 0,
         *           "fired": 1
         *         }
         *       ]
         *     }
         */
        Faults: {
            rules: components["schemas"]["FaultRuleView"][];
        };
        /**
         * @example {
         *       "status": "ok"
         *     }
         */
        Health: {
            /** @constant */
            status: "ok";
        };
        RunLimits: {
            /** @description Deliveries past this many messages are refused. */
            maxMessages: number;
            /** @description Deliveries past this many stored bytes are refused. */
            maxBytes: number;
        };
        /** @description Ready-to-paste SMTP settings. Authenticated mail goes into this run whatever the recipient domain. */
        SmtpSettings: {
            /** @example localhost */
            host: string;
            /**
             * @description Plain SMTP port; STARTTLS is offered.
             * @example 2525
             */
            port: number;
            /**
             * @description Implicit-TLS SMTP port.
             * @example 4650
             */
            tlsPort: number;
            /**
             * @description SMTP AUTH user: the run id.
             * @example k3x9q2m7za
             */
            username: string;
            /** @description SMTP AUTH password: the run token. */
            password: string;
        };
        /** @description Ready-to-paste IMAP settings; present only when this server runs IMAP. */
        ImapSettings: {
            /** @example localhost */
            host: string;
            /**
             * @description Plain IMAP port; STARTTLS is offered.
             * @example 1143
             */
            port?: number;
            /**
             * @description Implicit-TLS IMAP port.
             * @example 9933
             */
            tlsPort?: number;
            /**
             * @description The IMAP login user is an inbox address of this run.
             * @example <inbox>@k3x9q2m7za.sandmail.test
             */
            usernameHint: string;
            /** @description IMAP password: the run token. */
            password: string;
        };
        CreatedRun: {
            /**
             * @description The run id, as returned by POST /v1/runs.
             * @example k3x9q2m7za
             */
            id: string;
            /**
             * @description Any address at this domain is delivered into the run.
             * @example k3x9q2m7za.sandmail.test
             */
            domain: string;
            label?: string;
            /**
             * Format: date-time
             * @example 2026-03-01T12:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description After this the run and all its mail are gone.
             * @example 2026-03-01T12:00:00.000Z
             */
            expiresAt: string;
            limits: components["schemas"]["RunLimits"];
            /**
             * @description Secret bearer token for this run's API calls, SMTP AUTH and IMAP login. Shown only once.
             * @example q0pG2yq8r0m3bX0Kf1o8m0i1mXc6wq1A
             */
            token: string;
            smtp: components["schemas"]["SmtpSettings"];
            imap?: components["schemas"]["ImapSettings"];
            /**
             * @description The run's page in the web UI, with the token in the URL fragment (never sent to a server); present when the server serves the UI.
             * @example http://127.0.0.1:8025/ui/#run=k3x9q2m7za&token=q0pG2yq8r0m3bX0Kf1o8m0i1mXc6wq1A
             */
            uiUrl?: string;
        };
        /** @description The run's SMTP and IMAP settings, as POST /v1/runs gave them (the password is the run token). */
        ConnectionSettings: {
            smtp: components["schemas"]["SmtpSettings"];
            imap?: components["schemas"]["ImapSettings"];
        };
        RunCounts: {
            messages: number;
            /** @description Total stored raw bytes. */
            bytes: number;
            /** @description Addresses that have received mail. */
            inboxes: number;
        };
        /** @description A run without its token (the caller already has it). */
        RunInfo: {
            /**
             * @description The run id, as returned by POST /v1/runs.
             * @example k3x9q2m7za
             */
            id: string;
            /**
             * @description Any address at this domain is delivered into the run.
             * @example k3x9q2m7za.sandmail.test
             */
            domain: string;
            label?: string;
            /**
             * Format: date-time
             * @example 2026-03-01T12:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description After this the run and all its mail are gone.
             * @example 2026-03-01T12:00:00.000Z
             */
            expiresAt: string;
            limits: components["schemas"]["RunLimits"];
            counts: components["schemas"]["RunCounts"];
        };
        RunListItem: {
            /**
             * @description The run id, as returned by POST /v1/runs.
             * @example k3x9q2m7za
             */
            id: string;
            /**
             * @description Any address at this domain is delivered into the run.
             * @example k3x9q2m7za.sandmail.test
             */
            domain: string;
            label?: string;
            /**
             * Format: date-time
             * @example 2026-03-01T12:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description After this the run and all its mail are gone.
             * @example 2026-03-01T12:00:00.000Z
             */
            expiresAt: string;
            limits: components["schemas"]["RunLimits"];
            counts: components["schemas"]["RunCounts"];
            /** @description The run's token, for the operator who may read every run. */
            token: string;
        };
        RunList: {
            /** @description Live runs, newest first (at most 1000). */
            runs: components["schemas"]["RunListItem"][];
        };
        Inbox: {
            /** @example alice@k3x9q2m7za.sandmail.test */
            address: string;
            /** @description Messages in all of the address's folders. */
            messages: number;
            /** @description Of those, messages without \Seen. */
            unseen: number;
        };
        InboxList: {
            inboxes: components["schemas"]["Inbox"][];
        };
        Folder: {
            /**
             * @description Folder name, `/`-separated hierarchy.
             * @example INBOX
             */
            name: string;
            /**
             * @description RFC 6154 role, e.g. \Sent, \Trash.
             * @example \Trash
             */
            specialUse?: string;
            messages: number;
            /** @description Of those, messages without \Seen. */
            unseen: number;
        };
        FolderList: {
            folders: components["schemas"]["Folder"][];
        };
        /**
         * @description Prometheus text exposition format 0.0.4: counters and gauges prefixed `sandmail_`. Labels carry outcomes, route patterns and command names only, never run ids, addresses or tokens.
         * @example # HELP sandmail_smtp_messages_total SMTP messages by outcome: accepted (250 after DATA), rejected (5xx or 452), failed (451).
         *     # TYPE sandmail_smtp_messages_total counter
         *     sandmail_smtp_messages_total{result="accepted"} 2
         *     sandmail_smtp_messages_total{result="rejected"} 1
         *     sandmail_smtp_messages_total{result="failed"} 0
         */
        MetricsText: string;
        SessionSummary: {
            /** @example q2Vx0bA9LmT3 */
            id: string;
            /** @enum {string} */
            protocol: "smtp" | "imap" | "pop3";
            /**
             * @description The client's IP address.
             * @example 127.0.0.1
             */
            client: string;
            /** @description Whether the session ended on TLS (implicit, or after STARTTLS/STLS). */
            tls: boolean;
            /**
             * @description The login name the session authenticated with; null when it did not log in.
             * @example k3x9q2m7za
             */
            user: string | null;
            /**
             * Format: date-time
             * @example 2026-03-01T12:00:00.000Z
             */
            startedAt: string;
            /**
             * Format: date-time
             * @example 2026-03-01T12:00:00.000Z
             */
            endedAt: string;
            /** @description Lines the client sent (commands and continuations). */
            commands: number;
        };
        SessionList: {
            /** @description Newest first; only sessions that have ended. */
            sessions: components["schemas"]["SessionSummary"][];
        };
        /**
         * @example {
         *       "at": "2026-03-01T12:00:00.000Z",
         *       "from": "client",
         *       "text": "EHLO app"
         *     }
         */
        TranscriptLine: {
            /**
             * Format: date-time
             * @example 2026-03-01T12:00:00.000Z
             */
            at: string;
            /** @enum {string} */
            from: "client" | "server";
            /** @description The line without CRLF. Message bodies and literals appear as their size (`[message body: 1234 bytes]`, `{300}[300 bytes]`), passwords and AUTH data as `[redacted]`, long lines cut after 2,000 characters. */
            text: string;
        };
        SessionTranscript: {
            /** @example q2Vx0bA9LmT3 */
            id: string;
            /** @enum {string} */
            protocol: "smtp" | "imap" | "pop3";
            /**
             * @description The client's IP address.
             * @example 127.0.0.1
             */
            client: string;
            /** @description Whether the session ended on TLS (implicit, or after STARTTLS/STLS). */
            tls: boolean;
            /**
             * @description The login name the session authenticated with; null when it did not log in.
             * @example k3x9q2m7za
             */
            user: string | null;
            /**
             * Format: date-time
             * @example 2026-03-01T12:00:00.000Z
             */
            startedAt: string;
            /**
             * Format: date-time
             * @example 2026-03-01T12:00:00.000Z
             */
            endedAt: string;
            /** @description Lines the client sent (commands and continuations). */
            commands: number;
            /** @description Lines left out from the middle of a session longer than its budget (its start and end are kept). */
            omitted: number;
            lines: components["schemas"]["TranscriptLine"][];
        };
        WaitResult: {
            /** @description The matching messages, oldest first (arrival order). */
            messages: components["schemas"]["MessageDetail"][];
            /** @description The highest `seq` returned (with `expect=none`: the highest looked at). Pass it as `after` to wait for the next. */
            cursor: number;
        };
        MessageBrief: {
            seq: number;
            id: string;
            subject: string;
            /** @description The first From address. */
            from: string | null;
            /** @description To addresses. */
            to: string[];
            inbox: string;
            mailbox: string;
            receivedAt: string;
        };
        /**
         * @example {
         *       "type": "urn:sandmail:problem:wait_timeout",
         *       "title": "Wait timed out",
         *       "status": 408,
         *       "code": "wait_timeout",
         *       "detail": "0 of 1 message(s) matched subject contains \"Welcome\" within 10000 ms; 1 other message arrived, latest: #7 \"Reset your password\" to bob@k3x9q2m7za.sandmail.test",
         *       "instance": "/v1/runs/k3x9q2m7za/messages/wait",
         *       "wanted": 1,
         *       "matched": 0,
         *       "criteria": "subject contains \"Welcome\"",
         *       "timeoutMs": 10000,
         *       "after": 0,
         *       "matchedMessages": [],
         *       "unmatchedCount": 1,
         *       "unmatched": [
         *         {
         *           "seq": 7,
         *           "id": "7",
         *           "subject": "Reset your password",
         *           "from": "no-reply@shop.example",
         *           "to": [
         *             "bob@k3x9q2m7za.sandmail.test"
         *           ],
         *           "inbox": "bob@k3x9q2m7za.sandmail.test",
         *           "mailbox": "INBOX",
         *           "receivedAt": "2026-03-01T12:00:00.000Z"
         *         }
         *       ]
         *     }
         */
        WaitTimeoutProblem: {
            /** @description URI naming the kind of problem; one per `code`. */
            type: string;
            /** @description Short, human-readable summary of the kind of problem. */
            title: string;
            /** @description The HTTP status code. */
            status: number;
            /**
             * @description Stable machine-readable error code; branch on this.
             * @enum {string}
             */
            code: "run_not_found" | "run_exists" | "unauthorized" | "forbidden" | "message_not_found" | "mailbox_not_found" | "mailbox_exists" | "mailbox_protected" | "quota_exceeded" | "storage_full" | "too_many_runs" | "too_many_waits" | "too_many_streams" | "invalid_request" | "unsupported_pattern" | "store_unavailable" | "wait_timeout" | "too_many_requests" | "unexpected_message" | "not_found" | "check_not_configured" | "check_failed" | "webhook_not_found" | "delivery_not_found" | "webhook_target_refused" | "session_not_found" | "internal";
            /** @description What went wrong with this request. */
            detail: string;
            /** @description The request path the problem occurred on. */
            instance: string;
            /** @description For `invalid_request`: each bad field. */
            errors?: components["schemas"]["ProblemField"][];
            /** @description `count` of the request. */
            wanted: number;
            /** @description How many matched before the timeout. */
            matched: number;
            /** @description The criteria, in words. */
            criteria: string;
            timeoutMs: number;
            /** @description The cursor the wait started from. */
            after: number;
            /** @description Those that did match, oldest first. */
            matchedMessages: components["schemas"]["MessageBrief"][];
            /** @description How many messages after the cursor did not match. */
            unmatchedCount: number;
            /** @description The latest of those, newest first (at most 10). */
            unmatched: components["schemas"]["MessageBrief"][];
        } & {
            [key: string]: unknown;
        };
        UnexpectedMessageProblem: {
            /** @description URI naming the kind of problem; one per `code`. */
            type: string;
            /** @description Short, human-readable summary of the kind of problem. */
            title: string;
            /** @description The HTTP status code. */
            status: number;
            /**
             * @description Stable machine-readable error code; branch on this.
             * @enum {string}
             */
            code: "run_not_found" | "run_exists" | "unauthorized" | "forbidden" | "message_not_found" | "mailbox_not_found" | "mailbox_exists" | "mailbox_protected" | "quota_exceeded" | "storage_full" | "too_many_runs" | "too_many_waits" | "too_many_streams" | "invalid_request" | "unsupported_pattern" | "store_unavailable" | "wait_timeout" | "too_many_requests" | "unexpected_message" | "not_found" | "check_not_configured" | "check_failed" | "webhook_not_found" | "delivery_not_found" | "webhook_target_refused" | "session_not_found" | "internal";
            /** @description What went wrong with this request. */
            detail: string;
            /** @description The request path the problem occurred on. */
            instance: string;
            /** @description For `invalid_request`: each bad field. */
            errors?: components["schemas"]["ProblemField"][];
            /** @description The criteria, in words. */
            criteria: string;
            /** @description The message that matched. */
            message: components["schemas"]["MessageSummary"];
            /** @description Its seq. */
            cursor: number;
        } & {
            [key: string]: unknown;
        };
        /**
         * @example {
         *       "url": "http://127.0.0.1:4000/hooks/mail"
         *     }
         */
        CreateWebhook: {
            /**
             * Format: uri
             * @description Where deliveries are POSTed (http or https). Private and loopback addresses are allowed; link-local ones (169.254.0.0/16, fd00:ec2::254) are refused, also after DNS; SANDMAIL_WEBHOOK_ALLOW restricts further.
             * @example http://127.0.0.1:4000/hooks/mail
             */
            url: string;
            /** @description Which events to deliver; default `["message.received"]`. */
            events?: ("message.received" | "message.flags" | "message.moved" | "message.expunged")[];
        };
        /**
         * @example {
         *       "id": "wh_k3x9q2m7zab4c8",
         *       "url": "http://127.0.0.1:4000/hooks/mail",
         *       "events": [
         *         "message.received"
         *       ],
         *       "createdAt": "2026-03-01T12:00:00.000Z"
         *     }
         */
        Webhook: {
            /**
             * @description The webhook id, as returned when it was created.
             * @example wh_k3x9q2m7zab4c8
             */
            id: string;
            url: string;
            events: ("message.received" | "message.flags" | "message.moved" | "message.expunged")[];
            /**
             * Format: date-time
             * @example 2026-03-01T12:00:00.000Z
             */
            createdAt: string;
        };
        /**
         * @example {
         *       "id": "wh_k3x9q2m7zab4c8",
         *       "url": "http://127.0.0.1:4000/hooks/mail",
         *       "events": [
         *         "message.received"
         *       ],
         *       "createdAt": "2026-03-01T12:00:00.000Z",
         *       "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
         *     }
         */
        CreatedWebhook: {
            /**
             * @description The webhook id, as returned when it was created.
             * @example wh_k3x9q2m7zab4c8
             */
            id: string;
            url: string;
            events: ("message.received" | "message.flags" | "message.moved" | "message.expunged")[];
            /**
             * Format: date-time
             * @example 2026-03-01T12:00:00.000Z
             */
            createdAt: string;
            /**
             * @description The signing secret, `whsec_` + base64 of 24 random bytes; shown only here. Verify deliveries with any Standard Webhooks library.
             * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
             */
            secret: string;
        };
        /**
         * @example {
         *       "webhooks": [
         *         {
         *           "id": "wh_k3x9q2m7zab4c8",
         *           "url": "http://127.0.0.1:4000/hooks/mail",
         *           "events": [
         *             "message.received"
         *           ],
         *           "createdAt": "2026-03-01T12:00:00.000Z"
         *         }
         *       ]
         *     }
         */
        WebhookList: {
            webhooks: components["schemas"]["Webhook"][];
        };
        DeliveryAttempt: {
            attempt: number;
            /**
             * Format: date-time
             * @example 2026-03-01T12:00:00.000Z
             */
            at: string;
            /** @description The HTTP status answered; null when none came. */
            responseStatus: number | null;
            durationMs: number;
            /** @description Why no answer came (timeout, refused ...). */
            error: string | null;
        };
        /**
         * @example {
         *       "id": "msg_2f8kq0c1x7m3n9p4r6s1",
         *       "event": "message.received",
         *       "attempt": 2,
         *       "status": "succeeded",
         *       "responseStatus": 200,
         *       "durationMs": 4,
         *       "at": "2026-03-01T12:00:05.120Z",
         *       "nextAttemptAt": null,
         *       "createdAt": "2026-03-01T12:00:00.010Z",
         *       "attempts": [
         *         {
         *           "attempt": 1,
         *           "at": "2026-03-01T12:00:00.011Z",
         *           "responseStatus": 500,
         *           "durationMs": 3,
         *           "error": null
         *         },
         *         {
         *           "attempt": 2,
         *           "at": "2026-03-01T12:00:05.120Z",
         *           "responseStatus": 200,
         *           "durationMs": 4,
         *           "error": null
         *         }
         *       ]
         *     }
         */
        WebhookDelivery: {
            /**
             * @description Also the `webhook-id` header of every attempt.
             * @example msg_2f8kq0c1x7m3n9p4r6s1
             */
            id: string;
            /**
             * @description `message.received`: a message was stored (SMTP, IMAP APPEND or COPY); `message.flags`, `message.moved`, `message.expunged`: it changed.
             * @enum {string}
             */
            event: "message.received" | "message.flags" | "message.moved" | "message.expunged";
            /** @description Attempts made so far. */
            attempt: number;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed";
            /** @description Of the latest attempt; null before one or without an answer. */
            responseStatus: number | null;
            /** @description Of the latest attempt. */
            durationMs: number | null;
            /** @description When the latest attempt was made. */
            at: string | null;
            /** @description When the next attempt is due, while a failed one waits for its retry. */
            nextAttemptAt: string | null;
            /**
             * Format: date-time
             * @example 2026-03-01T12:00:00.000Z
             */
            createdAt: string;
            /** @description Every attempt, oldest first. */
            attempts: components["schemas"]["DeliveryAttempt"][];
        };
        /**
         * @example {
         *       "deliveries": [
         *         {
         *           "id": "msg_2f8kq0c1x7m3n9p4r6s1",
         *           "event": "message.received",
         *           "attempt": 2,
         *           "status": "succeeded",
         *           "responseStatus": 200,
         *           "durationMs": 4,
         *           "at": "2026-03-01T12:00:05.120Z",
         *           "nextAttemptAt": null,
         *           "createdAt": "2026-03-01T12:00:00.010Z",
         *           "attempts": [
         *             {
         *               "attempt": 1,
         *               "at": "2026-03-01T12:00:00.011Z",
         *               "responseStatus": 500,
         *               "durationMs": 3,
         *               "error": null
         *             },
         *             {
         *               "attempt": 2,
         *               "at": "2026-03-01T12:00:05.120Z",
         *               "responseStatus": 200,
         *               "durationMs": 4,
         *               "error": null
         *             }
         *           ]
         *         }
         *       ]
         *     }
         */
        WebhookDeliveryList: {
            /** @description Oldest first; the newest 500 finished ones are kept. */
            deliveries: components["schemas"]["WebhookDelivery"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is alive. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The store answers. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description The mail store is unreachable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics, `text/plain; version=0.0.4`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": components["schemas"]["MetricsText"];
                };
            };
        };
    };
    listRuns: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The live runs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunList"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with these credentials or from here. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many attempts (or requests) from this address; retry after the Retry-After seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createRun: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description All fields are optional; the body may be omitted. */
        requestBody?: {
            content: {
                "application/json": {
                    /**
                     * @description How long the run and its mail live, in seconds; default 3600, at most 604800.
                     * @example 3600
                     */
                    ttlSeconds?: number;
                    /**
                     * @description Free text to recognise the run by, e.g. the CI job.
                     * @example checkout-flow #1234
                     */
                    label?: string;
                };
            };
        };
        responses: {
            /** @description The new run, with its token and connection settings. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedRun"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The run is full, the server's memory budget is used up, or it holds its maximum of runs. */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run and what it holds. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunInfo"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run and all its mail are gone. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRunSettings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Where and how to connect. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionSettings"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listInboxes: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run's inboxes. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InboxList"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listFolders: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description An inbox address of the run (any case).
                 * @example alice@k3x9q2m7za.sandmail.test
                 */
                address: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The inbox's folders. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FolderList"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listMessages: {
        parameters: {
            query?: {
                /**
                 * @description Only mail of this inbox address (any case).
                 * @example alice@k3x9q2m7za.sandmail.test
                 */
                inbox?: string;
                /**
                 * @description Only mail in this folder (e.g. INBOX, Trash); across all inboxes unless `inbox` is given.
                 * @example INBOX
                 */
                mailbox?: string;
                /** @description Page size, at most 500. */
                limit?: number;
                /** @description The `nextCursor` of the previous page: only messages older than it. */
                cursor?: number;
                /**
                 * @description A recipient: To and Cc addresses and names, the SMTP envelope (so BCC counts) and the inbox address. Exact values ignore case. Contains, ignoring case, by default (`Welcome`); `"Welcome!"` (in double quotes) for an exact value; `/^Wel.*\/i` for a regular expression (RE2 syntax, flags i, m, s, u; no backreferences or lookaround).
                 * @example alice@k3x9q2m7za.sandmail.test
                 */
                to?: string;
                /**
                 * @description The sender: From addresses and names, and the envelope MAIL FROM. Exact values ignore case. Contains, ignoring case, by default (`Welcome`); `"Welcome!"` (in double quotes) for an exact value; `/^Wel.*\/i` for a regular expression (RE2 syntax, flags i, m, s, u; no backreferences or lookaround).
                 * @example no-reply@shop.example
                 */
                from?: string;
                /** @description The decoded subject. Contains, ignoring case, by default (`Welcome`); `"Welcome!"` (in double quotes) for an exact value; `/^Wel.*\/i` for a regular expression (RE2 syntax, flags i, m, s, u; no backreferences or lookaround). */
                subject?: string;
                /**
                 * @description The body: the text part, the HTML part, or the HTML as rendered text. Contains, ignoring case, by default (`Welcome`); `"Welcome!"` (in double quotes) for an exact value; `/^Wel.*\/i` for a regular expression (RE2 syntax, flags i, m, s, u; no backreferences or lookaround).
                 * @example verification code
                 */
                text?: string;
                /**
                 * @description A header field with a value (`X-Campaign: spring`); repeat the parameter to require several.
                 * @example X-Campaign: spring
                 */
                header?: string | string[];
                /** @description true: only messages without \Seen; false: only read ones. */
                unread?: "0" | "1" | "true" | "false";
                /** @description A run cursor: only messages with a larger `seq` (pass the `cursor` of the previous wait). */
                after?: number;
            };
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of summaries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageList"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description A message id, unique within its run.
                 * @example 1a
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The full message. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageDetail"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description A message id, unique within its run.
                 * @example 1a
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The message is gone. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description A message id, unique within its run.
                 * @example 1a
                 */
                id: string;
            };
            cookie?: never;
        };
        /** @description Flag changes, applied in order: `flags` (replace), then additions, then removals; then an optional move. IMAP clients see them. */
        requestBody: {
            content: {
                "application/json": {
                    /** @description Sets or clears \Seen. */
                    seen?: boolean;
                    /** @description Sets or clears \Flagged. */
                    flagged?: boolean;
                    /** @description Replaces every flag (system flags and keywords) before the other changes apply. */
                    flags?: string[];
                    addFlags?: string[];
                    removeFlags?: string[];
                    /**
                     * @description Moves the message to this folder of its inbox, after the flag changes (IMAP MOVE semantics).
                     * @example Archive
                     */
                    mailbox?: string;
                };
            };
        };
        responses: {
            /** @description The message after the change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageSummary"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMessageRaw: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description A message id, unique within its run.
                 * @example 1a
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The raw message. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "message/rfc822": string;
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAttachment: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description A message id, unique within its run.
                 * @example 1a
                 */
                id: string;
                /**
                 * @description The attachment's `index` in the message view (0-based).
                 * @example 0
                 */
                n: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The attachment. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMessageHtmlPage: {
        parameters: {
            query?: {
                /** @description `true` lets the page load remote images, stylesheets and fonts (tracking pixels too). */
                remote?: "true" | "false";
            };
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description A message id, unique within its run.
                 * @example 1a
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The HTML page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    openSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cookie is set. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    closeSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cookie is cleared. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed with these credentials or from here. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamEvents: {
        parameters: {
            query?: {
                /**
                 * @description Start after this event id (a run `seq`): events with larger ids are replayed first, then live ones. The `Last-Event-ID` header, which EventSource sends on reconnect, takes precedence. Without either, the stream starts with live events only.
                 * @example 42
                 */
                after?: string;
                /**
                 * @description Comma-separated event types to receive (default: all). One of: message.added, message.flags, message.moved, message.expunged, mailbox.created, mailbox.deleted, mailbox.renamed, run.deleted. `run.deleted` and `reset` are always sent.
                 * @example message.added,message.flags
                 */
                types?: string;
                /**
                 * @description Only events of this inbox address (any case).
                 * @example alice@k3x9q2m7za.sandmail.test
                 */
                inbox?: string;
            };
            header?: {
                /**
                 * @description Sent by EventSource on reconnect: the id of the last event received. Resumes after it.
                 * @example 42
                 */
                "last-event-id"?: string;
            };
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream; it stays open until the client leaves or the run is deleted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The run already holds SANDMAIL_MAX_STREAMS_PER_RUN open streams. Answered as problem+json with code `too_many_streams` and the cap in `limit`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The mail store is unreachable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    extractFromMessage: {
        parameters: {
            query: {
                /** @description A regular expression, either bare (`reset\?token=([\w-]+)`) or as a literal with flags (`/code: (\d+)/i`), in RE2 syntax (linear matching time; no backreferences or lookaround). At most 512 characters. */
                pattern: string;
            };
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description A message id, unique within its run.
                 * @example 1a
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The matches. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExtractResult"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    assertMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description A message id, unique within its run.
                 * @example 1a
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "assertions": [
                 *         {
                 *           "type": "subject",
                 *           "contains": "verification code"
                 *         },
                 *         {
                 *           "type": "dkim",
                 *           "result": "pass",
                 *           "domain": "shop.example"
                 *         },
                 *         {
                 *           "type": "spf",
                 *           "result": "pass"
                 *         },
                 *         {
                 *           "type": "code"
                 *         },
                 *         {
                 *           "type": "recipient",
                 *           "address": "audit@k3x9q2m7za.sandmail.test"
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": {
                    assertions: components["schemas"]["AssertionInput"][];
                };
            };
        };
        responses: {
            /** @description The verdicts, one per assertion, in order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssertResult"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    checkMessageHtml: {
        parameters: {
            query?: {
                /**
                 * @description Comma-separated email clients to check against: a family (`gmail`, `outlook`, `apple-mail`, ...), one client (`outlook.windows`) or `*`. Default: every client in the caniemail data.
                 * @example gmail,outlook,apple-mail
                 */
                clients?: string;
            };
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description A message id, unique within its run.
                 * @example 1a
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The warnings and a score. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HtmlCheck"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The engine behind the check failed or did not answer. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    checkMessageLinks: {
        parameters: {
            query?: {
                /** @description Also check `<img src>` URLs. */
                images?: "true" | "false";
            };
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description A message id, unique within its run.
                 * @example 1a
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One result per URL. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LinkCheck"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    checkMessageSpam: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description A message id, unique within its run.
                 * @example 1a
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The engine's verdict. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SpamCheck"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The check needs an engine this server was not configured with. */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The engine behind the check failed or did not answer. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDnsRecords: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The records. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DnsRecords"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putDnsRecords: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        /** @description The DNS the run's SPF, DKIM, DMARC and ARC checks resolve against. Names not listed answer 'no such name' (unless the server is configured to fall back to the system resolver). Applies to mail arriving after the PUT. */
        requestBody: {
            content: {
                "application/json": {
                    /** @description Every record of the run (replaces what was set before); at most 200. */
                    records: components["schemas"]["DnsRecordInput"][];
                };
            };
        };
        responses: {
            /** @description The records as stored (names normalized). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DnsRecords"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFaults: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rules. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Faults"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putFaults: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        /** @description SMTP faults this run's mail meets, and no other run's. Rules are tried in order; at each step the first rule of that stage that fires acts. */
        requestBody: {
            content: {
                "application/json": {
                    /** @description Every rule of the run (replaces what was set before); at most 20. An empty list clears them. */
                    rules: components["schemas"]["FaultRule"][];
                };
            };
        };
        responses: {
            /** @description The rules as kept (seeds filled in), with their counters. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Faults"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    clearFaults: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No rules. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Faults"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The webhooks. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookList"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhook"];
            };
        };
        responses: {
            /** @description The webhook, with its signing secret. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhook"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The run is full, the server's memory budget is used up, or it holds its maximum of runs. */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description The webhook id, as returned when it was created.
                 * @example wh_k3x9q2m7zab4c8
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description The webhook id, as returned when it was created.
                 * @example wh_k3x9q2m7zab4c8
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The delivery log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryList"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description The webhook id, as returned when it was created.
                 * @example wh_k3x9q2m7zab4c8
                 */
                id: string;
                /**
                 * @description Also the `webhook-id` header of every attempt.
                 * @example msg_2f8kq0c1x7m3n9p4r6s1
                 */
                delivery: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The delivery, pending again. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listSessions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sessions, without their lines. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionList"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
                /**
                 * @description A session id from GET /v1/runs/{run}/sessions.
                 * @example q2Vx0bA9LmT3
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The transcript. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionTranscript"];
                    "text/plain": string;
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    waitForMessages: {
        parameters: {
            query?: {
                /**
                 * @description Only mail of this inbox address (any case).
                 * @example alice@k3x9q2m7za.sandmail.test
                 */
                inbox?: string;
                /**
                 * @description Only mail in this folder (e.g. INBOX, Trash); across all inboxes unless `inbox` is given.
                 * @example INBOX
                 */
                mailbox?: string;
                /**
                 * @description A recipient: To and Cc addresses and names, the SMTP envelope (so BCC counts) and the inbox address. Exact values ignore case. Contains, ignoring case, by default (`Welcome`); `"Welcome!"` (in double quotes) for an exact value; `/^Wel.*\/i` for a regular expression (RE2 syntax, flags i, m, s, u; no backreferences or lookaround).
                 * @example alice@k3x9q2m7za.sandmail.test
                 */
                to?: string;
                /**
                 * @description The sender: From addresses and names, and the envelope MAIL FROM. Exact values ignore case. Contains, ignoring case, by default (`Welcome`); `"Welcome!"` (in double quotes) for an exact value; `/^Wel.*\/i` for a regular expression (RE2 syntax, flags i, m, s, u; no backreferences or lookaround).
                 * @example no-reply@shop.example
                 */
                from?: string;
                /** @description The decoded subject. Contains, ignoring case, by default (`Welcome`); `"Welcome!"` (in double quotes) for an exact value; `/^Wel.*\/i` for a regular expression (RE2 syntax, flags i, m, s, u; no backreferences or lookaround). */
                subject?: string;
                /**
                 * @description The body: the text part, the HTML part, or the HTML as rendered text. Contains, ignoring case, by default (`Welcome`); `"Welcome!"` (in double quotes) for an exact value; `/^Wel.*\/i` for a regular expression (RE2 syntax, flags i, m, s, u; no backreferences or lookaround).
                 * @example verification code
                 */
                text?: string;
                /**
                 * @description A header field with a value (`X-Campaign: spring`); repeat the parameter to require several.
                 * @example X-Campaign: spring
                 */
                header?: string | string[];
                /** @description true: only messages without \Seen; false: only read ones. */
                unread?: "0" | "1" | "true" | "false";
                /** @description A run cursor: only messages with a larger `seq` (pass the `cursor` of the previous wait). */
                after?: number;
                /**
                 * @description How many matching messages to wait for; default 1, at most 500.
                 * @example 1
                 */
                count?: number;
                /**
                 * @description How long to wait in ms; default 10000, capped at 300000 (SANDMAIL_MAX_WAIT_MS). 0 looks at stored mail only.
                 * @example 10000
                 */
                timeout?: number;
                /** @description `none` for negative tests: 200 with no messages when nothing matched within the timeout, 409 `unexpected_message` as soon as something does. */
                expect?: "some" | "none";
            };
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The matching messages, in arrival order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WaitResult"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not enough messages matched in time; says what came instead. */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WaitTimeoutProblem"];
                };
            };
            /** @description With `expect=none`: a message matched. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UnexpectedMessageProblem"];
                };
            };
            /** @description The run already holds SANDMAIL_MAX_WAITS_PER_RUN open waits. Answered as problem+json with code `too_many_waits` and the cap in `limit`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The mail store is unreachable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    waitForMessagesByBody: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The run id, as returned by POST /v1/runs.
                 * @example k3x9q2m7za
                 */
                run: string;
            };
            cookie?: never;
        };
        /** @description Criteria and wait controls; every member is optional, all criteria given must match. */
        requestBody: {
            content: {
                "application/json": {
                    to?: components["schemas"]["Matcher"];
                    from?: components["schemas"]["Matcher"];
                    subject?: components["schemas"]["Matcher"];
                    text?: components["schemas"]["Matcher"];
                    /** @description One header criterion, or a list that must all match. */
                    header?: components["schemas"]["HeaderCriterion"] | components["schemas"]["HeaderCriterion"][];
                    /**
                     * @description Only mail of this inbox address (any case).
                     * @example alice@k3x9q2m7za.sandmail.test
                     */
                    inbox?: string;
                    /**
                     * @description Only mail in this folder (e.g. INBOX, Trash); across all inboxes unless `inbox` is given.
                     * @example INBOX
                     */
                    mailbox?: string;
                    /** @description true: only messages without \Seen; false: only read ones. */
                    unread?: boolean;
                    /**
                     * @description A run cursor: only messages with a larger `seq` (pass the `cursor` of the previous wait).
                     * @example 42
                     */
                    after?: number;
                    /**
                     * @description How many matching messages to wait for; default 1, at most 500.
                     * @example 1
                     */
                    count?: number;
                    /**
                     * @description How long to wait in ms; default 10000, capped at 300000 (SANDMAIL_MAX_WAIT_MS). 0 looks at stored mail only.
                     * @example 10000
                     */
                    timeout?: number;
                    /**
                     * @description `none` for negative tests: 200 with no messages when nothing matched within the timeout, 409 `unexpected_message` as soon as something does.
                     * @enum {string}
                     */
                    expect?: "some" | "none";
                };
            };
        };
        responses: {
            /** @description The matching messages, in arrival order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WaitResult"];
                };
            };
            /** @description The request is invalid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or wrong bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such run, message or route (or not visible with this token). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not enough messages matched in time; says what came instead. */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["WaitTimeoutProblem"];
                };
            };
            /** @description With `expect=none`: a message matched. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["UnexpectedMessageProblem"];
                };
            };
            /** @description The run already holds SANDMAIL_MAX_WAITS_PER_RUN open waits. Answered as problem+json with code `too_many_waits` and the cap in `limit`. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The mail store is unreachable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
