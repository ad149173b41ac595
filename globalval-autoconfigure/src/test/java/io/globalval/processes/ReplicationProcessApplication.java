package io.globalval.processes;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.globalval.GlobalValTemplate;
import io.globalval.event.GlobalValChangedEvent;

/**
 * One process of the application under test in {@link MultiProcessReplicationTests} and
 * {@link RedisMultiProcessReplicationTests}. It
 * answers commands read from standard input with lines on standard output that start
 * with {@value #PREFIX} (everything else there is its log):
 * <ul>
 * <li>{@code set KEY VALUE}: {@code @@ set KEY REVISION}</li>
 * <li>{@code increment KEY COUNT}: COUNT increments by 1, all at once:
 * {@code @@ incremented KEY HIGHEST}, the highest value they returned</li>
 * <li>{@code get KEY}: {@code @@ value KEY VALUE}</li>
 * <li>{@code await REVISION}: {@code @@ at REVISION}, once this process has applied it</li>
 * <li>{@code events}: {@code @@ events KEY@REVISION=VALUE ...}, every change event so far</li>
 * <li>{@code greetings}: the same for a listener with a SpEL condition on the key</li>
 * <li>{@code threads}: {@code @@ threads NAME ...}, the threads the events came on</li>
 * </ul>
 * When its {@code ApplicationRunner} runs it prints {@code @@ ready role=ROLE ready=BOOLEAN}.
 */
@SpringBootApplication
public class ReplicationProcessApplication {

	static final String PREFIX = "@@ ";

	// the protocol with the test, not logging
	private static final PrintStream out = System.out;

	public static void main(String[] args) throws Exception {
		ConfigurableApplicationContext context = SpringApplication.run(ReplicationProcessApplication.class, args);
		GlobalValTemplate template = context.getBean(GlobalValTemplate.class);
		Changes changes = context.getBean(Changes.class);
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			String[] words = line.trim().split(" ", 3);
			try {
				if (words[0].equals("set")) {
					long revision = template.set(words[1], words[2]).get(10, TimeUnit.SECONDS);
					reply("set " + words[1] + " " + revision);
				}
				else if (words[0].equals("increment")) {
					reply("incremented " + words[1] + " " + increment(template, words[1], Integer.parseInt(words[2])));
				}
				else if (words[0].equals("get")) {
					reply("value " + words[1] + " " + template.get(words[1]));
				}
				else if (words[0].equals("await")) {
					long revision = template.awaitRevision(Long.parseLong(words[1])).get(10, TimeUnit.SECONDS);
					reply("at " + revision);
				}
				else if (words[0].equals("events")) {
					reply("events " + String.join(" ", changes.all));
				}
				else if (words[0].equals("greetings")) {
					reply("greetings " + String.join(" ", changes.greetings));
				}
				else if (words[0].equals("threads")) {
					reply("threads " + String.join(" ", changes.threads));
				}
				else {
					reply("error unknown command " + line);
				}
			}
			catch (Exception ex) {
				reply("error " + ex);
			}
		}
		context.close();
	}

	/** Increments by 1, all sent at once; returns the highest value they got. */
	private static long increment(GlobalValTemplate template, String key, int count) throws Exception {
		List<CompletableFuture<Long>> increments = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			increments.add(template.increment(key, 1));
		}
		long highest = 0;
		for (CompletableFuture<Long> increment : increments) {
			highest = Math.max(highest, increment.get(30, TimeUnit.SECONDS));
		}
		return highest;
	}

	static void reply(String line) {
		synchronized (out) {
			out.println(PREFIX + line);
			out.flush();
		}
	}

	@Bean
	ApplicationRunner reportReady(GlobalValTemplate template) {
		return (args) -> reply("ready role=" + template.role() + " ready=" + template.isReady());
	}

	@Component
	static class Changes {

		final List<String> all = new CopyOnWriteArrayList<>();

		final List<String> greetings = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		@EventListener
		void onChange(GlobalValChangedEvent event) {
			this.threads.add(Thread.currentThread().getName());
			this.all.add(describe(event));
		}

		@EventListener(condition = "#event.key == 'greeting'")
		void onGreeting(GlobalValChangedEvent event) {
			this.greetings.add(describe(event));
		}

		private static String describe(GlobalValChangedEvent event) {
			return event.getKey() + "@" + event.getRevision() + "=" + event.getValue();
		}

	}

}
