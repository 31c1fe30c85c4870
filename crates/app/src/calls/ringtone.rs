//! A ringtone made by the browser itself (two short tones every two seconds, Web Audio), so no
//! sound file is shipped. The browser may keep it silent until the page has had a click.

use leptos::prelude::*;
use web_sys::AudioContext;

pub struct Ringtone {
    context: AudioContext,
    timer: IntervalHandle,
}

impl Ringtone {
    pub fn start() -> Option<Self> {
        let context = AudioContext::new().ok()?;
        let _ = context.resume();
        ring(&context);
        let again = context.clone();
        let timer =
            set_interval_with_handle(move || ring(&again), std::time::Duration::from_secs(2))
                .ok()?;
        Some(Self { context, timer })
    }
}

impl Drop for Ringtone {
    fn drop(&mut self) {
        self.timer.clear();
        let _ = self.context.close();
    }
}

/// Two tones of 0.4 s, 0.2 s apart.
fn ring(context: &AudioContext) {
    let now = context.current_time();
    for start in [now, now + 0.6] {
        let (Ok(tone), Ok(volume)) = (context.create_oscillator(), context.create_gain()) else {
            return;
        };
        tone.frequency().set_value(480.0);
        volume.gain().set_value(0.15);
        let played = tone
            .connect_with_audio_node(&volume)
            .and_then(|_| volume.connect_with_audio_node(&context.destination()))
            .and_then(|_| tone.start_with_when(start))
            .and_then(|()| tone.stop_with_when(start + 0.4));
        if played.is_err() {
            return;
        }
    }
}
