package io.globalval.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.EventListener;

import io.globalval.event.GlobalValChangedEvent;
import io.globalval.event.GlobalValRoleEvent;
import io.globalval.event.GlobalValSnapshotEvent;

/**
 * Records the globalval events of a context, with the thread each arrived on, and
 * separately the changes of the key {@code greeting} through a SpEL condition.
 */
public class RecordingListener {

	public final List<ApplicationEvent> events = new CopyOnWriteArrayList<>();

	public final List<String> threads = new CopyOnWriteArrayList<>();

	public final List<GlobalValChangedEvent> greetings = new CopyOnWriteArrayList<>();

	@EventListener({ GlobalValChangedEvent.class, GlobalValRoleEvent.class, GlobalValSnapshotEvent.class })
	synchronized void on(ApplicationEvent event) {
		this.threads.add(Thread.currentThread().getName());
		this.events.add(event);
	}

	@EventListener(condition = "#event.key == 'greeting'")
	void onGreeting(GlobalValChangedEvent event) {
		this.greetings.add(event);
	}

	public List<String> changeThreads() {
		List<String> result = new ArrayList<>();
		for (int i = 0; i < this.events.size(); i++) {
			if (this.events.get(i) instanceof GlobalValChangedEvent) {
				result.add(this.threads.get(i));
			}
		}
		return result;
	}

	public List<GlobalValChangedEvent> changes() {
		return this.events.stream()
			.filter(GlobalValChangedEvent.class::isInstance)
			.map(GlobalValChangedEvent.class::cast)
			.toList();
	}

}
