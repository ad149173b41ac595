package io.globalval.simulation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import io.globalval.core.Disk;
import io.globalval.core.DiskFile;

/**
 * A directory in memory. A process crash loses nothing (the kernel keeps what was
 * written); a power loss keeps what was forced and a torn part of the rest. Forces and
 * appends fail on demand (a failing disk, a full disk).
 */
final class SimDisk implements Disk {

	private final String path;

	private final Random random;

	private final Map<String, SimFile> files = new LinkedHashMap<>();

	boolean failForce;

	boolean full;

	SimDisk(String path, Random random) {
		this.path = path;
		this.random = random;
	}

	@Override
	public DiskFile open(String name) {
		SimFile file = this.files.computeIfAbsent(name, (key) -> new SimFile());
		return new OpenFile(file);
	}

	@Override
	public boolean exists(String name) {
		return this.files.containsKey(name);
	}

	@Override
	public void replace(String source, String target) throws IOException {
		SimFile file = this.files.remove(source);
		if (file == null) {
			throw new IOException(source + " does not exist in " + this.path);
		}
		this.files.put(target, file);
	}

	@Override
	public String describe() {
		return "sim:" + this.path;
	}

	/** Lose what was not forced, but a torn part of it. */
	void powerLoss() {
		for (SimFile file : this.files.values()) {
			int unforced = file.size - file.durable;
			int kept = (unforced > 0) ? this.random.nextInt(unforced + 1) : 0;
			file.size = file.durable + kept;
		}
	}

	private static final class SimFile {

		byte[] data = new byte[256];

		int size;

		int durable;

		void write(byte[] bytes, int length) {
			if (this.size + length > this.data.length) {
				this.data = Arrays.copyOf(this.data, Math.max(this.data.length * 2, this.size + length));
			}
			System.arraycopy(bytes, 0, this.data, this.size, length);
			this.size += length;
		}

	}

	private final class OpenFile implements DiskFile {

		private final SimFile file;

		OpenFile(SimFile file) {
			this.file = file;
		}

		@Override
		public long size() {
			return this.file.size;
		}

		@Override
		public int read(ByteBuffer target, long position) {
			if (position >= this.file.size) {
				return -1;
			}
			int length = (int) Math.min(target.remaining(), this.file.size - position);
			target.put(this.file.data, (int) position, length);
			return length;
		}

		@Override
		public void append(ByteBuffer source) throws IOException {
			byte[] bytes = new byte[source.remaining()];
			source.get(bytes);
			if (SimDisk.this.full) {
				int part = SimDisk.this.random.nextInt(bytes.length);
				this.file.write(bytes, part);
				throw new IOException("No space left on device (" + describe() + ")");
			}
			this.file.write(bytes, bytes.length);
		}

		@Override
		public void force() throws IOException {
			if (SimDisk.this.failForce) {
				throw new IOException("Input/output error forcing a file in " + describe());
			}
			this.file.durable = this.file.size;
		}

		@Override
		public void truncate(long size) {
			this.file.size = (int) Math.min(size, this.file.size);
			this.file.durable = this.file.size;
		}

		@Override
		public void close() {
		}

	}

}
