-- +goose Up
-- The Viber channel keeps no citizen's words in River's job rows: an
-- incoming message waits in viber_inbox until its turn has run (deleted
-- in the turn's completing transaction), a reply in viber_replies until
-- it is sent; the jobs carry only these ids. Payloads are the JSON of
-- package viber's types, as bytea: any text a client sends fits, and
-- nothing but the channel reads them. Media is no longer kept by the
-- channel at all: forms stores the cleaned copy a form needs.
CREATE TABLE viber_inbox (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality text NOT NULL REFERENCES municipalities(slug),
    token        numeric(20, 0) NOT NULL,
    user_id      text NOT NULL,
    payload      bytea NOT NULL, -- {"user": viber.User, "message": viber.InMessage}
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE viber_replies (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality text NOT NULL REFERENCES municipalities(slug),
    receiver     text NOT NULL,
    payload      bytea NOT NULL, -- [viber.Message...]
    created_at   timestamptz NOT NULL DEFAULT now()
);

DROP TABLE viber_media;

-- Jobs queued before this version carry the message or the reply in their
-- arguments: those still to run get a row here and ids instead, and the
-- finished ones lose the texts. (On a new database River's tables come
-- after this migration, and there is nothing to do.)
-- +goose StatementBegin
DO $$
DECLARE
    j record;
    new_id bigint;
BEGIN
    IF to_regclass('river_job') IS NULL THEN
        RETURN;
    END IF;
    FOR j IN SELECT id, args FROM river_job
             WHERE kind = 'viber_turn' AND args ? 'message' AND finalized_at IS NULL LOOP
        INSERT INTO viber_inbox (municipality, token, user_id, payload)
        VALUES (j.args->>'municipality', (j.args->>'token')::numeric, coalesce(j.args->'user'->>'id', ''),
                convert_to(jsonb_build_object('user', j.args->'user', 'message', j.args->'message')::text, 'UTF8'))
        RETURNING id INTO new_id;
        UPDATE river_job SET args = jsonb_build_object('municipality', j.args->'municipality',
            'token', j.args->'token', 'inbox', new_id) WHERE id = j.id;
    END LOOP;
    FOR j IN SELECT id, args FROM river_job
             WHERE kind = 'viber_send' AND args ? 'messages' AND finalized_at IS NULL LOOP
        INSERT INTO viber_replies (municipality, receiver, payload)
        VALUES (j.args->>'municipality', coalesce(j.args->>'receiver', ''), convert_to((j.args->'messages')::text, 'UTF8'))
        RETURNING id INTO new_id;
        UPDATE river_job SET args = jsonb_build_object('municipality', j.args->'municipality', 'reply', new_id)
            WHERE id = j.id;
    END LOOP;
    UPDATE river_job SET args = jsonb_build_object('municipality', args->'municipality', 'token', args->'token')
        WHERE kind = 'viber_turn' AND args ? 'message';
    UPDATE river_job SET args = jsonb_build_object('municipality', args->'municipality')
        WHERE kind = 'viber_send' AND args ? 'messages';
END $$;
-- +goose StatementEnd

-- +goose Down
CREATE TABLE viber_media (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality  text NOT NULL REFERENCES municipalities(slug),
    user_id       text NOT NULL,
    message_token numeric(20, 0) NOT NULL,
    kind          text NOT NULL,
    file_name     text NOT NULL DEFAULT '',
    mime          text NOT NULL,
    size          bigint NOT NULL,
    data          bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (municipality, message_token)
);
DROP TABLE viber_replies;
DROP TABLE viber_inbox;
