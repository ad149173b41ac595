package io.globalval.history;

/**
 * Identifies one write across the cluster: the numeric id of the node where it
 * originated and that node's sequence number for it.
 *
 * @param origin numeric id of the node the write originated on
 * @param sequence sequence number of the write on its origin node
 */
public record WriteId(long origin, long sequence) {

	/**
	 * Create a write id.
	 * @param origin numeric id of the node the write originated on
	 * @param sequence sequence number of the write on its origin node
	 * @return the write id
	 */
	public static WriteId of(long origin, long sequence) {
		return new WriteId(origin, sequence);
	}

	@Override
	public String toString() {
		return this.origin + ":" + this.sequence;
	}

}
