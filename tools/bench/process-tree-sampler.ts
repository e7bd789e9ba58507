import { readdirSync, readFileSync } from 'node:fs';

interface ProcessInfo {
  readonly ppid: number;
  readonly rssBytes: number;
  readonly command: string;
}

function processTable(): Map<number, ProcessInfo> {
  const table = new Map<number, ProcessInfo>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces): state, ppid, ...; rss is the 22nd.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      table.set(Number(entry), { ppid: Number(fields[1]), rssBytes: Number(fields[21]) * 4096, command });
    } catch {
      // the process ended while we read it
    }
  }
  return table;
}

function subtree(table: Map<number, ProcessInfo>, rootPid: number): number[] {
  const pids = [rootPid];
  for (let i = 0; i < pids.length; i += 1) {
    for (const [pid, info] of table) if (info.ppid === pids[i]) pids.push(pid);
  }
  return pids;
}

export interface TreeSample {
  /** Resident memory of the process and all its descendants. */
  readonly totalBytes: number;
  /** Resident memory of the descendants whose command line contains the marker, with their own children. */
  readonly markedBytes: number;
}

/** One reading of a process tree's resident memory from /proc (Linux). */
export function sampleTree(rootPid: number, marker: string): TreeSample {
  const table = processTable();
  const pids = subtree(table, rootPid);
  const rss = (list: number[]) => list.reduce((sum, pid) => sum + (table.get(pid)?.rssBytes ?? 0), 0);
  const marked = pids.filter((pid) => table.get(pid)?.command.includes(marker) && !table.get(table.get(pid)?.ppid ?? -1)?.command.includes(marker));
  return { totalBytes: rss(pids), markedBytes: rss([...new Set(marked.flatMap((pid) => subtree(table, pid)))]) };
}
