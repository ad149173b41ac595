package io.globalval.protocol;

/**
 * Thrown when a frame announces a length over the configured maximum. It is thrown
 * before any buffer for the frame is allocated.
 */
public class FrameTooLargeException extends ProtocolException {

	private final long length;

	private final int maxLength;

	/**
	 * Create a new instance.
	 * @param length the announced length
	 * @param maxLength the configured maximum
	 */
	public FrameTooLargeException(long length, int maxLength) {
		super("Frame length %d exceeds globalval.max-frame-size (%d)".formatted(length, maxLength));
		this.length = length;
		this.maxLength = maxLength;
	}

	/**
	 * Return the length the frame announced.
	 * @return the announced length in bytes
	 */
	public long getLength() {
		return this.length;
	}

	/**
	 * Return the limit that was exceeded.
	 * @return the maximum frame length in bytes
	 */
	public int getMaxLength() {
		return this.maxLength;
	}

}
