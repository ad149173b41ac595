package io.globalval.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the sample, bound from {@code sample.*}: {@code application.yml} gives the
 * defaults, and the global values {@code config.sample.*} override them in every process
 * (globalval's live configuration). A JavaBean, so that Spring Cloud rebinds this very
 * instance when a value changes.
 */
@ConfigurationProperties("sample")
public class SampleSettings {

	/**
	 * The greeting the sample answers with.
	 */
	private String greeting = "Hello";

	/**
	 * The most items a list answers with.
	 */
	private int maxItems = 10;

	public String getGreeting() {
		return this.greeting;
	}

	public void setGreeting(String greeting) {
		this.greeting = greeting;
	}

	public int getMaxItems() {
		return this.maxItems;
	}

	public void setMaxItems(int maxItems) {
		this.maxItems = maxItems;
	}

}
