-- +goose Up
-- Each municipality's vectors get an HNSW index of their own (a partial
-- index per municipality and model, see postgres/docstore/town_index.go,
-- which builds them for municipalities ingested later): a search filtered
-- to one municipality then walks a graph of its own chunks instead of the
-- graph of every municipality's. The name is the one townIndexName gives.
-- +goose StatementBegin
DO $$
DECLARE
    stmt text;
    todo text[];
BEGIN
    -- The statements are collected first: CREATE INDEX on chunks fails
    -- while a loop's cursor over chunks is still open.
    SELECT array_agg(format(
            'CREATE INDEX IF NOT EXISTS %I ON chunks USING hnsw ((embedding::vector(%s)) vector_cosine_ops) '
            'WITH (m = 16, ef_construction = 128) WHERE model = %L AND municipality = %L',
            'chunks_hnsw_t_' || left(md5(t.municipality || '/' || t.model || '/' || t.dim), 20),
            t.dim, t.model, t.municipality))
    INTO todo
    FROM (
        SELECT m.municipality, m.model,
            (SELECT vector_dims(c.embedding) FROM chunks c
             WHERE c.municipality = m.municipality AND c.model = m.model LIMIT 1) AS dim
        FROM (SELECT DISTINCT municipality, model FROM chunks) m
    ) t;
    FOREACH stmt IN ARRAY coalesce(todo, '{}') LOOP
        EXECUTE stmt;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE
    i record;
BEGIN
    FOR i IN SELECT indexname FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = 'chunks' AND indexname LIKE 'chunks\_hnsw\_t\_%'
    LOOP
        EXECUTE format('DROP INDEX %I', i.indexname);
    END LOOP;
END
$$;
-- +goose StatementEnd
