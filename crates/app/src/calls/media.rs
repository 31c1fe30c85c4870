//! The browser's own media: the microphone, the camera and a shared screen as tracks, the
//! devices to choose from, and refusals explained in words.

use super::model::{Device, Source};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DisplayMediaStreamConstraints, MediaDeviceInfo, MediaDeviceKind, MediaDevices, MediaStream,
    MediaStreamConstraints, MediaStreamTrack, MediaTrackConstraints,
};

/// One track of `source` (from the device `device` when given).
pub async fn open(source: Source, device: Option<&str>) -> Result<MediaStreamTrack, String> {
    let devices = media_devices().ok_or_else(|| unsupported(source))?;
    let promise = match source {
        Source::Screen => {
            let constraints = DisplayMediaStreamConstraints::new();
            constraints.set_video_bool(true);
            devices.get_display_media_with_constraints(&constraints)
        }
        Source::Microphone | Source::Camera => {
            let wanted: JsValue = match device {
                Some(id) => {
                    let c = MediaTrackConstraints::new();
                    let exact = js_sys::Object::new();
                    js_sys::Reflect::set(&exact, &"exact".into(), &id.into())
                        .map_err(|_| unsupported(source))?;
                    c.set_device_id(&exact);
                    c.into()
                }
                None => JsValue::TRUE,
            };
            let constraints = MediaStreamConstraints::new();
            if source == Source::Microphone {
                constraints.set_audio(&wanted);
            } else {
                constraints.set_video(&wanted);
            }
            devices.get_user_media_with_constraints(&constraints)
        }
    }
    .map_err(|_| unsupported(source))?;
    let stream: MediaStream = JsFuture::from(promise)
        .await
        .map_err(|e| refusal(source, &e))?
        .unchecked_into();
    stream
        .get_tracks()
        .get(0)
        .dyn_into::<MediaStreamTrack>()
        .map_err(|_| unsupported(source))
}

/// The microphones and cameras the browser names (labels appear once a permission is given).
pub async fn devices() -> (Vec<Device>, Vec<Device>) {
    let (mut microphones, mut cameras) = (Vec::new(), Vec::new());
    let Some(promise) = media_devices().and_then(|d| d.enumerate_devices().ok()) else {
        return (microphones, cameras);
    };
    let Ok(list) = JsFuture::from(promise).await else {
        return (microphones, cameras);
    };
    for info in js_sys::Array::from(&list).iter() {
        let Ok(info) = info.dyn_into::<MediaDeviceInfo>() else {
            continue;
        };
        let list = match info.kind() {
            MediaDeviceKind::Audioinput => &mut microphones,
            MediaDeviceKind::Videoinput => &mut cameras,
            _ => continue,
        };
        let label = match info.label() {
            l if l.is_empty() => format!("Device {}", list.len() + 1),
            l => l,
        };
        list.push(Device {
            id: info.device_id(),
            label,
        });
    }
    (microphones, cameras)
}

fn media_devices() -> Option<MediaDevices> {
    web_sys::window()?.navigator().media_devices().ok()
}

fn unsupported(source: Source) -> String {
    format!(
        "This browser cannot use a {} here (calls need a secure page: https or localhost).",
        source.noun()
    )
}

/// Why the browser refused, in words the person can act on.
fn refusal(source: Source, error: &JsValue) -> String {
    let name = error
        .dyn_ref::<web_sys::DomException>()
        .map(|e| e.name())
        .unwrap_or_default();
    let noun = source.noun();
    match name.as_str() {
        "NotAllowedError" | "SecurityError" if source == Source::Screen => {
            "Screen sharing was cancelled or refused.".into()
        }
        "NotAllowedError" | "SecurityError" => format!(
            "The browser refused the {noun}: allow it for this site (the icon by the address) \
             and try again."
        ),
        "NotFoundError" | "OverconstrainedError" => format!("No {noun} was found."),
        "NotReadableError" | "AbortError" => {
            format!("The {noun} could not be started: another program may be using it.")
        }
        _ => format!("The {noun} could not be started."),
    }
}
