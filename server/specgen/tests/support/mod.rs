//! A scripted in-process `Model` for the specgen tests: each request gets the
//! next scripted reply, streamed in small chunks, and is recorded.

use std::sync::Mutex;

use specwright_models::{
    BoxFuture, CancellationToken, ChatRequest, ChatResponse, EventSink, Model, ModelError, StreamEvent, Usage,
};

/// Answers each request with the next scripted reply, streamed in chunks of
/// `chunk` bytes, and records the requests.
pub struct Scripted {
    structured: bool,
    replies: Mutex<Vec<Result<String, ModelError>>>,
    requests: Mutex<Vec<ChatRequest>>,
    chunk: usize,
}

impl Scripted {
    pub fn new(structured: bool, replies: Vec<Result<String, ModelError>>) -> Self {
        Self { structured, replies: Mutex::new(replies), requests: Mutex::default(), chunk: 7 }
    }

    pub fn requests(&self) -> Vec<ChatRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Model for Scripted {
    fn describe(&self) -> String {
        "scripted".into()
    }

    fn supports_structured_output(&self) -> bool {
        self.structured
    }

    fn chat<'a>(
        &'a self,
        request: &'a ChatRequest,
        _cancel: &'a CancellationToken,
        sink: EventSink<'a>,
    ) -> BoxFuture<'a, Result<ChatResponse, ModelError>> {
        Box::pin(async move {
            self.requests.lock().expect("lock").push(request.clone());
            let reply = {
                let mut replies = self.replies.lock().expect("lock");
                assert!(!replies.is_empty(), "the script ran out");
                replies.remove(0)
            }?;
            let chars: Vec<char> = reply.chars().collect();
            for piece in chars.chunks(self.chunk) {
                sink(StreamEvent::Text(piece.iter().collect()));
            }
            Ok(ChatResponse {
                text: reply,
                usage: Usage { input_tokens: 10, output_tokens: 20 },
                stop_reason: Some("end_turn".into()),
                ..ChatResponse::default()
            })
        })
    }
}
