package feedbackstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/feedback"
)

// gapAnswer is the condition on an answer (a, with its vote f) that makes
// its question a gap: MIA declined a question (not abuse: insults are no
// gap in the documents), or the citizen's current vote is a 👎. An answer
// whose 👎 became a 👍 leaves its group's figures.
const gapAnswer = `((a.status IN ('no_source', 'out_of_scope') AND a.route IN ('info', 'out_of_scope')) OR f.rating = 'down')`

// pendingGaps finds the municipality's gap answers no group holds yet,
// with the citizen's question before each (the latest message of theirs
// before the answer).
const pendingGaps = `
	WITH cand AS (
		SELECT id FROM messages
		WHERE municipality = $1 AND role = 'assistant' AND status IN ('no_source', 'out_of_scope')
		UNION
		SELECT message_id FROM answer_feedback WHERE municipality = $1 AND rating = 'down'
	)
	SELECT a.id, q.id, coalesce(q.content, '')
	FROM cand
	JOIN messages a ON a.id = cand.id
	JOIN conversations c ON c.id = a.conversation_id AND c.` + citizens + `
	LEFT JOIN answer_feedback f ON f.message_id = a.id
	LEFT JOIN LATERAL (
		SELECT u.id, u.content FROM messages u
		WHERE u.conversation_id = a.conversation_id AND u.role = 'user' AND u.id < a.id
		ORDER BY u.id DESC LIMIT 1
	) q ON true
	WHERE ` + gapAnswer + ` AND q.id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM gap_questions g WHERE g.answer_id = a.id)
	ORDER BY a.id`

// SyncGaps implements feedback.Store. An advisory lock per municipality
// makes concurrent syncs (two staff opening the page) wait for each other
// instead of filing a question twice.
func (s *Store) SyncGaps(ctx context.Context, municipality string, assign feedback.AssignFunc) error {
	return pgx.BeginFunc(ctx, s.db.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('mia-gaps'), hashtext($1))`, municipality); err != nil {
			return fmt.Errorf("sync gaps: lock: %w", err)
		}
		rows, err := tx.Query(ctx, pendingGaps, municipality)
		if err != nil {
			return fmt.Errorf("sync gaps: pending: %w", err)
		}
		var pending []feedback.Pending
		questionOf := map[int64]int64{}
		for rows.Next() {
			var p feedback.Pending
			var q int64
			if err := rows.Scan(&p.AnswerID, &q, &p.Question); err != nil {
				rows.Close()
				return fmt.Errorf("sync gaps: pending: %w", err)
			}
			pending, questionOf[p.AnswerID] = append(pending, p), q
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sync gaps: pending: %w", err)
		}
		if len(pending) == 0 {
			return nil
		}
		rows, err = tx.Query(ctx, `SELECT group_id, tokens FROM gap_questions WHERE municipality = $1 ORDER BY group_id, answer_id`, municipality)
		if err != nil {
			return fmt.Errorf("sync gaps: members: %w", err)
		}
		members, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (feedback.Member, error) {
			var m feedback.Member
			err := r.Scan(&m.Group, &m.Tokens)
			return m, err
		})
		if err != nil {
			return fmt.Errorf("sync gaps: members: %w", err)
		}
		fresh := map[int]int64{}
		for _, a := range assign(pending, members) {
			group := a.Group
			if group == 0 {
				if group = fresh[a.NewGroup]; group == 0 {
					if err := tx.QueryRow(ctx, `INSERT INTO gap_groups (municipality) VALUES ($1) RETURNING id`, municipality).Scan(&group); err != nil {
						return fmt.Errorf("sync gaps: new group: %w", err)
					}
					fresh[a.NewGroup] = group
				}
			}
			tokens := a.Tokens
			if tokens == nil {
				tokens = []string{}
			}
			if _, err := tx.Exec(ctx, `
				INSERT INTO gap_questions (answer_id, question_id, group_id, municipality, tokens)
				SELECT $1, $2, id, municipality, $4 FROM gap_groups WHERE id = $3 AND municipality = $5`,
				a.AnswerID, questionOf[a.AnswerID], group, tokens, municipality); err != nil {
				return fmt.Errorf("sync gaps: file question: %w", err)
			}
		}
		return nil
	})
}

// Gaps implements feedback.Store.
func (s *Store) Gaps(ctx context.Context, municipality string, f feedback.GapFilter) ([]feedback.Group, error) {
	if f.Examples <= 0 {
		f.Examples = 5
	}
	rows, err := s.db.Query(ctx, `
		SELECT g.id, g.status, g.status_changed_at, count(*),
			count(*) FILTER (WHERE a.status IN ('no_source', 'out_of_scope')),
			count(*) FILTER (WHERE f.rating = 'down'),
			count(*) FILTER (WHERE g.status_changed_at IS NOT NULL AND a.created_at > g.status_changed_at),
			min(a.created_at), max(a.created_at)
		FROM gap_groups g
		JOIN gap_questions q ON q.group_id = g.id
		JOIN messages a ON a.id = q.answer_id
		LEFT JOIN answer_feedback f ON f.message_id = a.id
		WHERE g.municipality = $1 AND ($2 = '' OR g.status = $2) AND ($3 = 0 OR g.id = $3) AND `+gapAnswer+`
		GROUP BY g.id
		ORDER BY g.status = 'new' DESC, count(*) DESC, max(a.created_at) DESC, g.id`,
		municipality, string(f.Status), f.Group)
	if err != nil {
		return nil, fmt.Errorf("gaps: %w", err)
	}
	groups, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (feedback.Group, error) {
		g := feedback.Group{Municipality: municipality, Reasons: map[feedback.Reason]int64{}}
		var changed *time.Time
		err := r.Scan(&g.ID, &g.Status, &changed, &g.Questions, &g.Declined, &g.Disliked, &g.SinceStatus, &g.FirstAsked, &g.LastAsked)
		if changed != nil {
			g.StatusChanged = *changed
		}
		return g, err
	})
	if err != nil {
		return nil, fmt.Errorf("gaps: %w", err)
	}
	if len(groups) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(groups))
	byID := map[int64]*feedback.Group{}
	for i := range groups {
		ids[i] = groups[i].ID
		byID[groups[i].ID] = &groups[i]
	}
	if err := s.gapExamples(ctx, ids, byID, f.Examples); err != nil {
		return nil, err
	}
	if err := s.gapDocuments(ctx, ids, byID); err != nil {
		return nil, err
	}
	return groups, nil
}

// gapExamples adds each group's latest questions and the reasons given.
func (s *Store) gapExamples(ctx context.Context, ids []int64, byID map[int64]*feedback.Group, n int) error {
	rows, err := s.db.Query(ctx, `
		SELECT group_id, question, kind, reason, comment, asked FROM (
			SELECT q.group_id, coalesce(u.content, '') AS question,
				CASE WHEN f.rating = 'down' THEN 'disliked' ELSE 'declined' END AS kind,
				coalesce(f.reason, '') AS reason, coalesce(f.comment, '') AS comment, a.created_at AS asked,
				row_number() OVER (PARTITION BY q.group_id ORDER BY a.id DESC) AS nth
			FROM gap_questions q
			JOIN messages a ON a.id = q.answer_id
			LEFT JOIN messages u ON u.id = q.question_id
			LEFT JOIN answer_feedback f ON f.message_id = a.id
			WHERE q.group_id = ANY($1) AND `+gapAnswer+`
		) x WHERE nth <= $2
		ORDER BY group_id, asked DESC`, ids, n)
	if err != nil {
		return fmt.Errorf("gap examples: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var e feedback.Example
		var reason string
		if err := rows.Scan(&id, &e.Question, &e.Kind, &reason, &e.Comment, &e.Asked); err != nil {
			return fmt.Errorf("gap examples: %w", err)
		}
		e.Reason = feedback.Reason(reason)
		byID[id].Examples = append(byID[id].Examples, e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("gap examples: %w", err)
	}
	rows, err = s.db.Query(ctx, `
		SELECT q.group_id, f.reason, count(*)
		FROM gap_questions q JOIN answer_feedback f ON f.message_id = q.answer_id
		WHERE q.group_id = ANY($1) AND f.rating = 'down' AND f.reason IS NOT NULL
		GROUP BY 1, 2`, ids)
	if err != nil {
		return fmt.Errorf("gap reasons: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, n int64
		var reason string
		if err := rows.Scan(&id, &reason, &n); err != nil {
			return fmt.Errorf("gap reasons: %w", err)
		}
		byID[id].Reasons[feedback.Reason(reason)] = n
	}
	return rows.Err()
}

// gapDocuments adds the documents each group's answers cited (what the
// search retrieved), a document's scripts counted as one.
func (s *Store) gapDocuments(ctx context.Context, ids []int64, byID map[int64]*feedback.Group) error {
	rows, err := s.db.Query(ctx, `
		SELECT group_id, doc, count(*) FROM (
			SELECT DISTINCT q.group_id, a.id, coalesce(nullif(c->>'title', ''), c->>'source') AS doc
			FROM gap_questions q
			JOIN messages a ON a.id = q.answer_id
			LEFT JOIN answer_feedback f ON f.message_id = a.id,
				jsonb_array_elements(CASE WHEN jsonb_typeof(a.citations) = 'array' THEN a.citations ELSE '[]' END) c
			WHERE q.group_id = ANY($1) AND `+gapAnswer+`
		) d WHERE coalesce(doc, '') <> ''
		GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`, ids)
	if err != nil {
		return fmt.Errorf("gap documents: %w", err)
	}
	hits := map[int64][]feedback.DocumentHits{}
	for rows.Next() {
		var id int64
		var h feedback.DocumentHits
		if err := rows.Scan(&id, &h.Title, &h.N); err != nil {
			rows.Close()
			return fmt.Errorf("gap documents: %w", err)
		}
		hits[id] = append(hits[id], h)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("gap documents: %w", err)
	}
	for id, hs := range hits {
		byID[id].Documents = feedback.MergeHits(hs)
	}
	return nil
}
