//! A profile picture from a chosen image: cut to its centre square and scaled in the browser,
//! then uploaded as a PNG.

use shared::AppError;

/// The side of the square picture, in pixels.
#[cfg(feature = "browser")]
const SIDE: u32 = 256;

/// Cuts the file chosen in `input` to a square, uploads it, and answers its URL.
pub async fn upload_square(input: web_sys::HtmlInputElement) -> Result<String, AppError> {
    #[cfg(feature = "browser")]
    {
        let file = input
            .files()
            .and_then(|files| files.get(0))
            .ok_or_else(|| AppError::Validation("Choose a picture to upload.".into()))?;
        let square = square_png(&file).await?;
        let data = web_sys::FormData::new().map_err(|_| AppError::Internal)?;
        data.append_with_blob_and_filename("file", &square, "picture.png")
            .map_err(|_| AppError::Internal)?;
        crate::files::upload_image(data.into()).await
    }
    #[cfg(not(feature = "browser"))]
    {
        let _ = input;
        Err(AppError::Internal)
    }
}

#[cfg(feature = "browser")]
async fn square_png(file: &web_sys::File) -> Result<web_sys::Blob, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let unreadable =
        || AppError::Validation("That file is not a picture this browser can read.".into());
    let url = web_sys::Url::create_object_url_with_blob(file).map_err(|_| AppError::Internal)?;
    let image = web_sys::HtmlImageElement::new().map_err(|_| AppError::Internal)?;
    image.set_src(&url);
    let decoded = JsFuture::from(image.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    decoded.map_err(|_| unreadable())?;
    let (width, height) = (
        f64::from(image.natural_width()),
        f64::from(image.natural_height()),
    );
    if width < 1.0 || height < 1.0 {
        return Err(unreadable());
    }
    let side = width.min(height);
    let canvas: web_sys::HtmlCanvasElement = leptos::prelude::document()
        .create_element("canvas")
        .map_err(|_| AppError::Internal)?
        .dyn_into()
        .map_err(|_| AppError::Internal)?;
    canvas.set_width(SIDE);
    canvas.set_height(SIDE);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or(AppError::Internal)?;
    context
        .draw_image_with_html_image_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
            &image,
            (width - side) / 2.0,
            (height - side) / 2.0,
            side,
            side,
            0.0,
            0.0,
            f64::from(SIDE),
            f64::from(SIDE),
        )
        .map_err(|_| unreadable())?;
    let encoded = js_sys::Promise::new(&mut |resolve, _reject| {
        let done =
            wasm_bindgen::closure::Closure::once_into_js(move |blob: wasm_bindgen::JsValue| {
                let _ = resolve.call1(&wasm_bindgen::JsValue::NULL, &blob);
            });
        let _ = canvas.to_blob(done.unchecked_ref());
    });
    JsFuture::from(encoded)
        .await
        .ok()
        .and_then(|blob| blob.dyn_into::<web_sys::Blob>().ok())
        .ok_or(AppError::Internal)
}
