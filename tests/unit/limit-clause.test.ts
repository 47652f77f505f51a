import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { limitClause } from '../../src/store/sql-db.ts';

describe('limitClause', () => {
  it('writes the numbers in, and SQLite reads them as a bound LIMIT and OFFSET would be', () => {
    expect(limitClause(100)).toBe('LIMIT 100');
    expect(limitClause(20, 40)).toBe('LIMIT 20 OFFSET 40');
    expect(limitClause(0, 0)).toBe('LIMIT 0 OFFSET 0');
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t (id) VALUES (1), (2), (3), (4), (5);');
    const ids = (sql: string, ...params: number[]) => db.prepare(sql).all(...params).map((r) => (r as { id: number }).id);
    expect(ids(`SELECT id FROM t ORDER BY id ${limitClause(2, 1)}`)).toEqual(ids('SELECT id FROM t ORDER BY id LIMIT ? OFFSET ?', 2, 1));
    expect(ids(`SELECT id FROM t ORDER BY id ${limitClause(2, 1)}`)).toEqual([2, 3]);
    db.close();
  });

  it('refuses anything but a whole number >= 0, naming it', () => {
    expect(() => limitClause(-1)).toThrow('limit must be a whole number >= 0, got -1');
    expect(() => limitClause(2.5)).toThrow(RangeError);
    expect(() => limitClause(Number.NaN)).toThrow('limit must be a whole number >= 0, got NaN');
    expect(() => limitClause(10, -5)).toThrow('offset must be a whole number >= 0, got -5');
    expect(() => limitClause('1; DROP TABLE t' as unknown as number)).toThrow(RangeError);
  });
});
