//! Spec tasks run by the agent and ticked `[x]` only on evidence the server
//! gathers itself, as if the model were trying to cheat: which tasks to run
//! ([`order`]), the run ([`run`]), the checkpoint that can undo it
//! ([`checkpoint`]), the test run's output ([`evidence`]), whether a test
//! that existed before was weakened ([`weakening`]), and the task's state in
//! the spec's files ([`status`]).

pub mod checkpoint;
pub mod disk;
pub mod drift;
pub mod evidence;
pub mod order;
pub mod run;
pub mod status;
pub mod weakening;
