package io.globalval.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.globalval.GlobalValTemplate;

/**
 * A small web application whose processes share values through globalval. Started once,
 * it is the master and starts three workers of itself ({@code globalval.cluster.workers});
 * every process serves the values over HTTP ({@link ValuesController}), logs each
 * change that any of them makes ({@link ChangeLogger}), and binds the {@code config.sample.*}
 * values as its {@link SampleSettings} ({@link SettingsController}).
 * <pre>
 * java -jar sample-app.jar                                   # master on 8080, workers on 8081-8083
 * java -jar sample-app.jar --globalval.cluster.workers=0     # just this process
 * # a peer of a Redis server, on any host (start as many as you like)
 * java -jar sample-app.jar --globalval.transport=redis --spring.data.redis.host=H --globalval.cluster.workers=0
 * </pre>
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleSettings.class)
public class SampleApplication {

	private static final Logger logger = LoggerFactory.getLogger(SampleApplication.class);

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	/**
	 * Greet from this process. Runners run once globalval is ready: a worker already has
	 * the values the others set.
	 * @param globalVals the application's global values
	 * @return the runner
	 */
	@Bean
	ApplicationRunner greet(GlobalValTemplate globalVals) {
		return (args) -> {
			logger.info("This process is {}; the greeting was {}", globalVals.role(), globalVals.get("greeting"));
			long starts = globalVals.increment("starts", 1).join();
			String greeting = switch (globalVals.role()) {
				case MASTER -> "hello from the master";
				case WORKER -> "hello from worker number " + (starts - 1);
				case PEER -> "hello from peer number " + starts;
			};
			globalVals.set("greeting", greeting).join();
		};
	}

}
