package io.globalval.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.globalval.history.Command;
import io.globalval.history.LogEntry;
import io.globalval.history.NodeLog;
import io.globalval.history.Operation;
import io.globalval.history.Result;
import io.globalval.history.Snapshot;
import io.globalval.history.WriteId;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the history file of one {@link HistoryNodeProcessMain} back into client
 * operations and a node log for the {@link io.globalval.history.HistoryChecker}.
 */
public final class HistoryFiles {

	private static final JsonMapper json = JsonMapper.builder().build();

	private HistoryFiles() {
	}

	/**
	 * Read a history file. Operations invoked but never completed in it (the process was
	 * killed, or gave up waiting) are unknown and never complete; the last line of a
	 * killed process may be cut short and is then skipped.
	 * @param file the file
	 * @return what the process did and applied
	 * @throws IOException if the file cannot be read
	 */
	public static ProcessHistory read(Path file) throws IOException {
		List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		String name = null;
		Map<Long, HistoryLine> invoked = new LinkedHashMap<>();
		List<HistoryLine> ends = new ArrayList<>();
		List<HistoryLine> log = new ArrayList<>();
		HistoryLine finalState = null;
		List<Long> mastersLost = new ArrayList<>();
		List<String> discards = new ArrayList<>();
		List<RoleGiven> roles = new ArrayList<>();
		int truncated = 0;
		long readsAhead = 0;
		for (int i = 0; i < lines.size(); i++) {
			HistoryLine line;
			try {
				line = json.readValue(lines.get(i), HistoryLine.class);
			}
			catch (JacksonException ex) {
				if (i < lines.size() - 1) {
					throw new IllegalStateException("Line " + (i + 1) + " of " + file + " is not a history line: "
							+ lines.get(i), ex);
				}
				truncated++;
				continue;
			}
			switch (line.type()) {
				case "node" -> name = line.name();
				case "invoke" -> invoked.put(line.op(), line);
				case "ok", "fail", "unknown" -> ends.add(line);
				case "read" -> {
					ends.add(line);
					readsAhead += (line.revision() > line.after()) ? 1 : 0;
				}
				case "change", "snapshot", "joined" -> log.add(line);
				case "discarded" -> {
					// the node's log goes on past the group's: what it applied after the last
					// kept revision is not the group's history (the snapshot that follows is)
					log.removeIf((entry) -> entry.revision() > line.revision());
					discards.add(line.failure());
				}
				case "role" -> roles.add(new RoleGiven(line.name(), line.time(), line.revision()));
				case "final" -> finalState = line;
				case "lost" -> mastersLost.add(line.revision());
				default -> throw new IllegalStateException("Unknown line type in " + file + ": " + lines.get(i));
			}
		}
		if (name == null) {
			throw new IllegalStateException(file + " does not name its process");
		}
		long joinedAt = -1;
		if (!log.isEmpty() && log.get(0).type().equals("joined")) {
			joinedAt = log.remove(0).revision();
		}
		return new ProcessHistory(name, toOperations(name, invoked, ends), toNodeLog(name, log, finalState),
				truncated, readsAhead, mastersLost, joinedAt, discards, roles);
	}

	private static List<Operation> toOperations(String name, Map<Long, HistoryLine> invoked,
			List<HistoryLine> ends) {
		List<Operation> operations = new ArrayList<>();
		for (HistoryLine end : ends) {
			if (end.type().equals("read")) {
				// Replica.apply changes the map before it publishes the revision (one change
				// at a time, on one thread), so a read can return the state of the revision
				// after the one revision() reports: a value's own revision proves how far the
				// replica was; an absent key may be the delete of the next revision
				long after = (end.value() != null) ? Math.max(end.after(), end.revision()) : end.after() + 1;
				operations.add(Operation.ok(name, name, Command.read(end.key()), end.time(), end.end(),
						Result.read(end.value(), end.before(), after)));
				continue;
			}
			HistoryLine invoke = invoked.remove(end.op());
			if (invoke == null) {
				throw new IllegalStateException("Operation " + end.op() + " of " + name + " completed but was not invoked");
			}
			Command command = command(invoke);
			operations.add(switch (end.type()) {
				case "ok" -> Operation.ok(name, name, command, invoke.time(), end.time(), result(invoke, end));
				case "fail" -> Operation.failed(name, name, command, invoke.time(), end.time());
				default -> Operation.unknown(name, name, command, invoke.time(), end.time());
			});
		}
		for (HistoryLine invoke : invoked.values()) {
			operations.add(Operation.unknown(name, name, command(invoke), invoke.time(), Operation.NEVER));
		}
		return operations;
	}

	private static Command command(HistoryLine invoke) {
		WriteId id = WriteId.of(invoke.origin(), invoke.seq());
		return switch (invoke.kind()) {
			case "SET" -> Command.set(invoke.key(), invoke.value(), id);
			case "DELETE" -> Command.delete(invoke.key(), id);
			case "COMPARE_AND_SET" -> Command.compareAndSet(invoke.key(), invoke.expected(), invoke.value(), id);
			case "INCREMENT" -> Command.increment(invoke.key(), invoke.delta(), id);
			default -> throw new IllegalStateException("Unknown kind " + invoke.kind());
		};
	}

	private static Result result(HistoryLine invoke, HistoryLine ok) {
		return switch (invoke.kind()) {
			case "SET" -> Result.revision(ok.revision());
			case "DELETE", "COMPARE_AND_SET" -> Result.applied(ok.applied());
			default -> Result.counter(ok.counter());
		};
	}

	private static NodeLog toNodeLog(String name, List<HistoryLine> lines, HistoryLine finalState) {
		NodeLog.Builder log = NodeLog.builder(name);
		for (HistoryLine line : lines) {
			if (line.type().equals("joined")) {
				throw new IllegalStateException(name + " joined at revision " + line.revision() + " after it had applied "
						+ "changes: only a first snapshot is recorded without its map");
			}
			if (line.type().equals("snapshot")) {
				log.snapshot(line.revision(), line.map());
			}
			else {
				WriteId id = (line.origin() > 0) ? WriteId.of(line.origin(), line.seq()) : null;
				log.set(line.revision(), line.key(), line.value(), id);
			}
		}
		if (finalState != null) {
			log.finalState(finalState.map(), finalState.revision());
		}
		return log.build();
	}

	/**
	 * What one process did and applied.
	 * @param name the process's name
	 * @param operations its client's operations
	 * @param log what it applied, with its final state if it was recorded
	 * @param truncatedLines how many lines were cut short (0 or 1)
	 * @param readsAhead how many reads returned a value whose revision was above the
	 * replica's revision sampled after the read (absent keys cannot tell)
	 * @param mastersLost the revision this node had applied each time it lost its master,
	 * in order
	 * @param joinedAt the revision of the first snapshot if it was recorded without its
	 * map (the node joined while writes went on; {@link #log()} then starts after it), else -1
	 * @param discards what the node was told it had applied and the group's history does not
	 * keep (left out of {@link #log()})
	 * @param roles the roles the node was given, in order
	 */
	public record ProcessHistory(String name, List<Operation> operations, NodeLog log, int truncatedLines,
			long readsAhead, List<Long> mastersLost, long joinedAt, List<String> discards, List<RoleGiven> roles) {

		/**
		 * Return the log with its first snapshot, when it was recorded without its map.
		 * @param joinedMap the group's map at {@link #joinedAt()}
		 * @return the log, starting with that snapshot
		 */
		public NodeLog logJoinedWith(Map<String, String> joinedMap) {
			List<LogEntry> entries = new ArrayList<>();
			entries.add(new Snapshot(this.joinedAt, joinedMap));
			entries.addAll(this.log.entries());
			return new NodeLog(this.log.nodeId(), entries, this.log.finalMap(), this.log.finalRevision());
		}

		/**
		 * Return the log without the changes and snapshots after a revision.
		 * @param revision the last revision to keep
		 * @return the log up to that revision, without final state
		 */
		public NodeLog logUpTo(long revision) {
			List<LogEntry> kept = this.log.entries().stream().filter((entry) -> entry.revision() <= revision).toList();
			return new NodeLog(this.log.nodeId(), kept, null, 0);
		}

	}

	/**
	 * A role a node was given.
	 * @param role {@code MASTER} or {@code WORKER}
	 * @param time when ({@link System#nanoTime()})
	 * @param revision the last revision the node had recorded then
	 */
	public record RoleGiven(String role, long time, long revision) {
	}

}
