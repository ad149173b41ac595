package io.globalval.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The {@link Disk} of a real directory.
 */
final class FileDisk implements Disk {

	private final Path directory;

	FileDisk(Path directory) {
		this.directory = directory;
	}

	@Override
	public DiskFile open(String name) throws IOException {
		FileChannel channel = FileChannel.open(this.directory.resolve(name), StandardOpenOption.CREATE,
				StandardOpenOption.READ, StandardOpenOption.WRITE);
		channel.position(channel.size());
		return new ChannelFile(channel);
	}

	@Override
	public boolean exists(String name) {
		return Files.exists(this.directory.resolve(name));
	}

	@Override
	public void replace(String source, String target) throws IOException {
		Files.move(this.directory.resolve(source), this.directory.resolve(target), StandardCopyOption.ATOMIC_MOVE,
				StandardCopyOption.REPLACE_EXISTING);
		// the rename is durable only once the directory is
		try (FileChannel directoryChannel = FileChannel.open(this.directory, StandardOpenOption.READ)) {
			directoryChannel.force(true);
		}
	}

	@Override
	public String describe() {
		return this.directory.toString();
	}

	private static final class ChannelFile implements DiskFile {

		private final FileChannel channel;

		ChannelFile(FileChannel channel) {
			this.channel = channel;
		}

		@Override
		public long size() throws IOException {
			return this.channel.size();
		}

		@Override
		public int read(ByteBuffer target, long position) throws IOException {
			return this.channel.read(target, position);
		}

		@Override
		public void append(ByteBuffer source) throws IOException {
			this.channel.position(this.channel.size());
			while (source.hasRemaining()) {
				this.channel.write(source);
			}
		}

		@Override
		public void force() throws IOException {
			this.channel.force(false);
		}

		@Override
		public void truncate(long size) throws IOException {
			this.channel.truncate(size);
			this.channel.position(size);
			this.channel.force(true);
		}

		@Override
		public void close() throws IOException {
			this.channel.close();
		}

	}

}
