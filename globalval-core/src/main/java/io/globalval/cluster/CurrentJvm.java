package io.globalval.cluster;

import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The command line that started this JVM, to start more JVMs of the same application:
 * the same java, JVM options, classpath or jar, and main class.
 */
public final class CurrentJvm {

	private CurrentJvm() {
	}

	/**
	 * Return the command that starts another JVM like this one.
	 * @param mainClass the application's main class, used when the JVM was not started
	 * from an executable jar; {@code null} to take the one this JVM was started with
	 * @param arguments the application's arguments
	 * @return the command
	 */
	public static List<String> command(String mainClass, List<String> arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
			// a debugger agent would fight over its port; the workers start without it
			if (!option.startsWith("-agentlib:jdwp") && !option.startsWith("-Xrunjdwp")) {
				command.add(option);
			}
		}
		String started = System.getProperty("sun.java.command", "");
		String first = started.isBlank() ? "" : started.split(" ")[0];
		if (isExecutableArchive(first)) {
			command.add("-jar");
			command.add(first);
		}
		else {
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add((mainClass != null) ? mainClass : first);
		}
		command.addAll(arguments);
		return command;
	}

	/**
	 * Whether a file is a Spring Boot executable jar, whose classes cannot be put on a
	 * plain classpath (they are nested jars), so that it must be started with -jar.
	 */
	static boolean isExecutableArchive(String file) {
		if (!file.endsWith(".jar") || !Files.isRegularFile(Path.of(file))) {
			return false;
		}
		try (JarFile jar = new JarFile(file)) {
			Manifest manifest = jar.getManifest();
			return manifest != null && manifest.getMainAttributes().getValue("Start-Class") != null;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
