-- +goose Up
-- The Viber channel: callbacks already seen (redeliveries are answered once),
-- the subscribers, media citizens sent (downloaded at once: Viber's links
-- expire within an hour) and the parts of replies already sent (a retried
-- send job skips them). River's own tables are installed by queue.Migrate.

-- channel_events deduplicates callbacks on (event, token, user). Tokens are
-- unsigned 64-bit integers, beyond bigint's positive range in principle.
CREATE TABLE channel_events (
    municipality text NOT NULL REFERENCES municipalities(slug),
    channel      text NOT NULL,
    event        text NOT NULL,
    token        numeric(20, 0) NOT NULL,
    user_id      text NOT NULL DEFAULT '',
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality, channel, event, token, user_id)
);
CREATE INDEX channel_events_received_idx ON channel_events (received_at);

CREATE TABLE viber_users (
    municipality text NOT NULL REFERENCES municipalities(slug),
    user_id      text NOT NULL,
    name         text NOT NULL DEFAULT '',
    api_version  int NOT NULL DEFAULT 0,
    subscribed   boolean NOT NULL DEFAULT false,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality, user_id)
);

-- viber_media keeps a citizen's photo, video or file, with the type sniffed
-- from its bytes; one row per incoming message.
CREATE TABLE viber_media (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality  text NOT NULL REFERENCES municipalities(slug),
    user_id       text NOT NULL,
    message_token numeric(20, 0) NOT NULL,
    kind          text NOT NULL, -- picture, video or file
    file_name     text NOT NULL DEFAULT '',
    mime          text NOT NULL,
    size          bigint NOT NULL,
    data          bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (municipality, message_token)
);

-- viber_outbox records each part of a reply Viber accepted, keyed by the
-- send job and the part's position.
CREATE TABLE viber_outbox (
    job_id        bigint NOT NULL,
    part          int NOT NULL,
    municipality  text NOT NULL REFERENCES municipalities(slug),
    receiver      text NOT NULL,
    message_token numeric(20, 0),
    sent_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, part)
);

-- +goose Down
DROP TABLE viber_outbox;
DROP TABLE viber_media;
DROP TABLE viber_users;
DROP TABLE channel_events;
