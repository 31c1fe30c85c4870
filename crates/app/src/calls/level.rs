//! How loud this browser's own microphone is, for the speaking ring on its own tile (the others'
//! rings come from the transport's statistics of what it receives).

use web_sys::{AnalyserNode, AudioContext, MediaStream, MediaStreamTrack};

/// A root-mean-square level (of samples from -1 to 1) above which one is speaking.
const SPEAKING_RMS: f32 = 0.02;

pub struct LevelMeter {
    track: MediaStreamTrack,
    context: AudioContext,
    analyser: AnalyserNode,
    samples: Vec<f32>,
}

impl LevelMeter {
    /// Listens to `track` (nothing is played).
    pub fn new(track: &MediaStreamTrack) -> Option<Self> {
        let context = AudioContext::new().ok()?;
        let stream = MediaStream::new_with_tracks(&js_sys::Array::of1(track)).ok()?;
        let source = context.create_media_stream_source(&stream).ok()?;
        let analyser = context.create_analyser().ok()?;
        // About 43 ms of sound at 48 kHz per reading.
        analyser.set_fft_size(2048);
        source.connect_with_audio_node(&analyser).ok()?;
        Some(Self {
            // `Clone::clone`: the track's own `clone()` would start a second capture.
            track: Clone::clone(track),
            samples: vec![0.0; analyser.fft_size() as usize],
            context,
            analyser,
        })
    }

    /// Whether this meter listens to `track` (the same track: its id is unique).
    pub fn hears(&self, track: &MediaStreamTrack) -> bool {
        self.track.id() == track.id()
    }

    /// Whether the latest samples are loud enough to be speech.
    pub fn speaking(&mut self) -> bool {
        self.analyser.get_float_time_domain_data(&mut self.samples);
        let energy: f32 = self.samples.iter().map(|s| s * s).sum();
        (energy / self.samples.len().max(1) as f32).sqrt() > SPEAKING_RMS
    }
}

impl Drop for LevelMeter {
    fn drop(&mut self) {
        if let Ok(closing) = self.context.close() {
            super::transport::quietly(closing);
        }
    }
}
